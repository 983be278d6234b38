#!/usr/bin/env bash
# The local demo: a Kafka broker, an embedded Kubernetes API server and the three services in one process grow a real
# loop-backed xfs volume from 320Mi to 640Mi while you watch. Needs root (loop devices, mount).
# Set KAFKA_BOOTSTRAP_SERVERS to use a broker of your own instead of the in-process one.
# `scripts/demo.sh rbd` does the same with an RBD image of a throwaway single-node Ceph cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "the demo grows a real filesystem on a loop device and needs root: sudo $0" >&2
  exit 2
fi
tools="mkfs.xfs:xfsprogs xfs_growfs:xfsprogs losetup:mount"
if [ "${1:-}" = rbd ]; then
  tools="$tools ceph-mon:ceph-mon ceph-osd:ceph-osd ceph-mgr:ceph-mgr ceph-mds:ceph-mds rbd:ceph-common rbd-fuse:rbd-fuse"
fi
for tool in $tools; do
  if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${tool##*:}" >/dev/null
  fi
done

mvn -B -q -ntp install -DskipTests
mvn -B -q -ntp -pl e2e exec:java -Dexec.mainClass=io.pvcresizer.e2e.LocalDemo -Dexec.args="${1:-}"
