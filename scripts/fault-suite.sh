#!/usr/bin/env bash
# The fault-injection suite: for each fault (kill -9 of each service, the leading watcher, a broker restart, a backend
# outage, poison records, duplicate deliveries and dead-letter replays) N PVCs are resized while the fault is injected
# at a random moment, and each resize is judged: completed, failed truthfully, or lost. Prints the table of
# docs/reliability.md and writes a JSON report. Needs root (loop devices, mount) and ext4 tools.
#
#   sudo scripts/fault-suite.sh [--pvcs 50] [--spread 5s] [--settle 4m] [--seed n] [--faults kill-resize-service,...]
#                               [--failed-retry-after 10s] [--redrive-after 20s] [--outage 10s] [--out target/fault-suite.json]
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q -ntp -DskipTests install
mvn -B -q -ntp -pl tools/fault-suite exec:java -Dexec.mainClass=io.pvcresizer.tools.faultsuite.FaultSuite -Dexec.args="$*"
