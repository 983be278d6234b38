#!/usr/bin/env bash
# Lists and replays the records pvc-resizer's services dead-lettered (the <topic>-dlt topics); see
# docs/runbooks/dead-letters.md. It runs io.pvcresizer.common.deadletter.DeadLetterCli from a service's executable jar
# (which holds common and the Kafka clients) through Spring Boot's PropertiesLauncher.
#
#   scripts/dead-letters.sh list [--reason R] [--key K] [--topic <dlt topic>]... [--json]
#   scripts/dead-letters.sh replay (--all | --record <dlt-topic>:<partition>:<offset>...) [--dry-run]
#   scripts/dead-letters.sh --help
#
# --bootstrap-servers defaults to $KAFKA_BOOTSTRAP_SERVERS, else localhost:9092. The jar is
# resize-service/target/resize-service-*-exec.jar, built (mvn -q -ntp -DskipTests package -pl resize-service -am) when
# it is missing or older than common's sources; PVC_RESIZER_JAR names another service exec jar instead.
# Exit codes: 0 done, 2 bad arguments, 1 Kafka failed or did not answer within --timeout (default 30s).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
main_class=io.pvcresizer.common.deadletter.DeadLetterCli
launcher=org.springframework.boot.loader.launch.PropertiesLauncher

find_jar() {
  local candidates=("$root"/resize-service/target/resize-service-*-exec.jar)
  [[ -f "${candidates[0]}" ]] && printf '%s\n' "${candidates[0]}"
  return 0
}

jar="${PVC_RESIZER_JAR:-}"
if [[ -n "$jar" ]]; then
  [[ -f "$jar" ]] || { echo "dead-letters: PVC_RESIZER_JAR=$jar: no such file" >&2; exit 2; }
else
  jar="$(find_jar)"
  if [[ -z "$jar" || -n "$(find "$root/common/src/main" -newer "$jar" -print -quit)" ]]; then
    echo "dead-letters: building resize-service's executable jar (mvn -q -ntp -DskipTests package -pl resize-service -am)" >&2
    (cd "$root" && mvn -q -ntp -DskipTests package -pl resize-service -am) >&2
    jar="$(find_jar)"
    [[ -n "$jar" ]] || { echo "dead-letters: the build made no resize-service/target/*-exec.jar" >&2; exit 1; }
  fi
fi

args=("$@")
if [[ $# -gt 0 && ( "$1" == list || "$1" == replay ) ]]; then
  has_servers=false
  for arg in "$@"; do
    [[ "$arg" == --bootstrap-servers || "$arg" == --bootstrap-servers=* ]] && has_servers=true
  done
  if [[ "$has_servers" == false ]]; then
    args+=(--bootstrap-servers "${KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}")
  fi
fi

# A small heap is plenty: the command holds at most the dead letters it reads.
exec java -Xmx256m -Dloader.main="$main_class" -cp "$jar" "$launcher" "${args[@]}"
