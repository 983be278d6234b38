#!/usr/bin/env bash
# The Kafka ACLs of pvc-resizer, for principals User:watcher-service, User:resize-service and User:fs-service (the SASL
# user names, or under mTLS the certificates' distinguished names: edit the three names). Run with the arguments
# kafka-acls.sh needs to reach your cluster as an administrator, e.g.
#   deploy/kafka/acls.sh --bootstrap-server kafka:9093 --command-config admin.properties
# Generated from io.pvcresizer.common.kafka.acl.PvcResizerAcls (a test keeps the two equal); for the request topic of a
# driver with a sidecar of its own, run that class with the topic as a fourth argument:
#   java -cp common.jar:kafka-clients.jar io.pvcresizer.common.kafka.acl.PvcResizerAcls \
#     User:watcher-service User:resize-service User:fs-service pvc-resize.volume-requests.ebs.csi.aws.com
# The broker must deny what no ACL allows (allow.everyone.if.no.acl.found=false, the default). docs/security.md.
set -euo pipefail
kafka-acls.sh "$@" --add --allow-principal 'User:watcher-service' --operation Describe --topic 'pvc-resize.' --resource-pattern-type prefixed
kafka-acls.sh "$@" --add --allow-principal 'User:watcher-service' --operation Create --topic 'pvc-resize.' --resource-pattern-type prefixed
kafka-acls.sh "$@" --add --allow-principal 'User:resize-service' --operation Describe --topic 'pvc-resize.' --resource-pattern-type prefixed
kafka-acls.sh "$@" --add --allow-principal 'User:resize-service' --operation Create --topic 'pvc-resize.' --resource-pattern-type prefixed
kafka-acls.sh "$@" --add --allow-principal 'User:fs-service' --operation Describe --topic 'pvc-resize.' --resource-pattern-type prefixed
kafka-acls.sh "$@" --add --allow-principal 'User:fs-service' --operation Create --topic 'pvc-resize.' --resource-pattern-type prefixed
kafka-acls.sh "$@" --add --allow-principal 'User:watcher-service' --operation Write --topic 'pvc-resize.volume-requests'
kafka-acls.sh "$@" --add --allow-principal 'User:watcher-service' --operation Write --topic 'pvc-resize.node-requests'
kafka-acls.sh "$@" --add --allow-principal 'User:watcher-service' --operation Read --topic 'pvc-resize.volume-results'
kafka-acls.sh "$@" --add --allow-principal 'User:watcher-service' --operation Write --topic 'pvc-resize.volume-results-dlt'
kafka-acls.sh "$@" --add --allow-principal 'User:watcher-service' --operation Read --topic 'pvc-resize.node-results'
kafka-acls.sh "$@" --add --allow-principal 'User:watcher-service' --operation Write --topic 'pvc-resize.node-results-dlt'
kafka-acls.sh "$@" --add --allow-principal 'User:watcher-service' --operation Read --topic 'pvc-resize.node-events'
kafka-acls.sh "$@" --add --allow-principal 'User:watcher-service' --operation Write --topic 'pvc-resize.node-events-dlt'
kafka-acls.sh "$@" --add --allow-principal 'User:watcher-service' --operation Read --group 'pvc-resizer-watcher'
kafka-acls.sh "$@" --add --allow-principal 'User:resize-service' --operation Read --topic 'pvc-resize.volume-requests'
kafka-acls.sh "$@" --add --allow-principal 'User:resize-service' --operation Write --topic 'pvc-resize.volume-requests-dlt'
kafka-acls.sh "$@" --add --allow-principal 'User:resize-service' --operation Write --topic 'pvc-resize.volume-results'
kafka-acls.sh "$@" --add --allow-principal 'User:resize-service' --operation Read --group 'resize-service' --resource-pattern-type prefixed
kafka-acls.sh "$@" --add --allow-principal 'User:fs-service' --operation Read --topic 'pvc-resize.node-requests'
kafka-acls.sh "$@" --add --allow-principal 'User:fs-service' --operation Write --topic 'pvc-resize.node-requests-dlt'
kafka-acls.sh "$@" --add --allow-principal 'User:fs-service' --operation Write --topic 'pvc-resize.node-results'
kafka-acls.sh "$@" --add --allow-principal 'User:fs-service' --operation Write --topic 'pvc-resize.node-events'
kafka-acls.sh "$@" --add --allow-principal 'User:fs-service' --operation Write --topic 'pvc-resize.volume-usage'
kafka-acls.sh "$@" --add --allow-principal 'User:fs-service' --operation Read --group 'fs-service-' --resource-pattern-type prefixed
