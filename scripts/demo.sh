#!/usr/bin/env bash
# The local demo: a real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager, built once from
# Kubernetes' Go modules and cached), a Kafka broker and the three services grow a real loop-backed xfs volume from
# 320Mi to 640Mi while you watch, and the real kubectl shows the claim. Needs root (loop devices, mount).
#   scripts/demo.sh [rbd] [--keep]
# rbd: the volume is an RBD image of a throwaway single-node Ceph cluster. --keep: stay up until Ctrl-C, for kubectl
# in another terminal. Set KAFKA_BOOTSTRAP_SERVERS to use a broker of your own instead of the in-process one.
# Without Go (and no control plane built before) the demo says so and runs on an in-memory stand-in API server.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "the demo grows a real filesystem on a loop device and needs root: sudo $0" >&2
  exit 2
fi
tools="mkfs.xfs:xfsprogs xfs_growfs:xfsprogs losetup:mount"
if [[ " $* " == *" rbd "* ]]; then
  tools="$tools ceph-mon:ceph-mon ceph-osd:ceph-osd ceph-mgr:ceph-mgr ceph-mds:ceph-mds rbd:ceph-common rbd-fuse:rbd-fuse"
fi
for tool in $tools; do
  if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${tool##*:}" >/dev/null
  fi
done

# The control plane: built on the first run (progress below; minutes), started in seconds afterwards, stopped at the end.
if testenv/kube-minicluster.sh status >/dev/null 2>&1; then
  echo "[demo] using the Kubernetes control plane already running ($(testenv/kube-minicluster.sh kubeconfig))"
elif command -v go >/dev/null 2>&1 || testenv/kube-minicluster.sh built; then
  trap 'testenv/kube-minicluster.sh stop >/dev/null 2>&1 || true' EXIT
  echo "[demo] starting the Kubernetes control plane (testenv/kube-minicluster.sh start)…"
  testenv/kube-minicluster.sh start 2>&1 | sed -u 's/^/[demo]   /'
else
  echo "[demo] Go is not installed: the real Kubernetes control plane cannot be built here (README: what it needs)."
fi

echo "[demo] building pvc-resizer (mvn install)…"
mvn -B -q -ntp install -DskipTests
mvn -B -q -ntp -pl demo exec:java -Dexec.mainClass=io.pvcresizer.demo.LocalDemo -Dexec.args="$*"
