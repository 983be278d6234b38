#!/usr/bin/env bash
# kafka-run-class.sh CLASS [ARGS...]: runs a Kafka tool class from /opt/kafka/libs with quiet logging
# (WARN to stderr, or KAFKA_TOOLS_LOG4J_LOGLEVEL), like the script of the Kafka distribution.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 CLASS [ARGS...]" >&2
  exit 2
fi
class="$1"
shift
read -r -a heap_opts <<<"${KAFKA_TOOLS_HEAP_OPTS:--Xmx256M}"
read -r -a kafka_opts <<<"${KAFKA_TOOLS_OPTS:-}"
level="${KAFKA_TOOLS_LOG4J_LOGLEVEL:-warn}"
exec java "${heap_opts[@]}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "${kafka_opts[@]}" \
  -Dorg.slf4j.simpleLogger.logFile=System.err "-Dorg.slf4j.simpleLogger.defaultLogLevel=${level,,}" \
  -cp "/opt/kafka/libs/*" "$class" "$@"
