#!/usr/bin/env bash
# Lists and replays the records pvc-resizer's services dead-lettered (the <topic>-dlt topics); see
# docs/runbooks/dead-letters.md. It runs the dead-letter command of module tools/dead-letters
# (io.pvcresizer.tools.deadletters.DeadLetterCli) from its executable jar.
#
#   scripts/dead-letters.sh list [--reason R] [--key K] [--topic <dlt topic>]... [--json]
#   scripts/dead-letters.sh replay (--all | --record <dlt-topic>:<partition>:<offset>...) [--dry-run] [--force]
#   scripts/dead-letters.sh --help
#
# --bootstrap-servers defaults to $KAFKA_BOOTSTRAP_SERVERS, else localhost:9092. The jar is
# tools/dead-letters/target/dead-letters-*-exec.jar, built (mvn -q -ntp -DskipTests package -pl tools/dead-letters -am)
# when it is missing or older than the sources it is made of; PVC_RESIZER_JAR names another copy of it instead.
# Exit codes: 0 done, 2 bad arguments or a named record refused, 1 Kafka or the Kubernetes API failed or did not answer
# within --timeout (default 30s).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

find_jar() {
  local candidates=("$root"/tools/dead-letters/target/dead-letters-*-exec.jar)
  [[ -f "${candidates[0]}" ]] && printf '%s\n' "${candidates[0]}"
  return 0
}

jar="${PVC_RESIZER_JAR:-}"
if [[ -n "$jar" ]]; then
  [[ -f "$jar" ]] || { echo "dead-letters: PVC_RESIZER_JAR=$jar: no such file" >&2; exit 2; }
else
  jar="$(find_jar)"
  if [[ -z "$jar" || -n "$(find "$root/common/src/main" "$root/tools/dead-letters/src/main" -newer "$jar" -print -quit)" ]]; then
    echo "dead-letters: building the command's executable jar (mvn -q -ntp -DskipTests package -pl tools/dead-letters -am)" >&2
    (cd "$root" && mvn -q -ntp -DskipTests package -pl tools/dead-letters -am) >&2
    jar="$(find_jar)"
    [[ -n "$jar" ]] || { echo "dead-letters: the build made no tools/dead-letters/target/*-exec.jar" >&2; exit 1; }
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
exec java -Xmx256m -jar "$jar" "${args[@]}"
