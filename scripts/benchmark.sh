#!/usr/bin/env bash
# The pipeline benchmark: the ceilings of the broker and the API server, then throughput, latency, real-backend
# overhead and memory of the services running as separate JVMs, all in one run; a table on stdout and a JSON report.
# What is measured and how: docs/performance.md.
#
#   scripts/benchmark.sh [--pvcs 1000] [--rate 50] [--duration 30s] [--rbd 0] [--cache-pvcs 10000] [--nodes 2]
#                        [--warm-up 50] [--kafka-samples 500] [--jvm-flags f1,f2,...] [--fs-jvm-flags f1,f2,...]
#                        [--out target/benchmark.json]
#
# --rbd M > 0 needs root and the Ceph packages (ceph-mon ceph-osd ceph-mgr ceph-common rbd-fuse, xfsprogs); without
# them that part is reported as skipped. Set KAFKA_BOOTSTRAP_SERVERS to use a broker of your own.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q -ntp -DskipTests install
mvn -B -q -ntp -pl tools/benchmark exec:java -Dexec.mainClass=io.pvcresizer.tools.benchmark.PipelineBenchmark -Dexec.args="$*"
