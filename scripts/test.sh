#!/usr/bin/env bash
# Runs every test of pvc-resizer: unit tests (*Test), integration tests on a real in-process Kafka broker, a real
# Kubernetes control plane, real loop devices and a real single-node Ceph cluster (*IT), and the end-to-end tests of
# the three services (*E2E). It builds the control plane (etcd, kube-apiserver, kube-controller-manager, kubectl) from
# Kubernetes' Go modules once into a cache (testenv/kube, docs/testing.md) and runs one for the whole run, and the CSI
# test programs (testenv/csi). As root it
# installs what the tests use when missing (node tools and Ceph from the distribution's packages) and runs one
# throwaway Ceph cluster for the whole run; without root those tests are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for tool in mkfs.xfs:xfsprogs xfs_growfs:xfsprogs resize2fs:e2fsprogs e2fsck:e2fsprogs losetup:mount blkid:util-linux \
            ceph-mon:ceph-mon ceph-osd:ceph-osd ceph-mgr:ceph-mgr ceph-mds:ceph-mds ceph:ceph-common rbd:ceph-common \
            ceph-fuse:ceph-fuse rbd-fuse:rbd-fuse setfattr:attr mkfs.btrfs:btrfs-progs; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || need+=("${tool##*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing: $(printf '%s\n' "${need[@]}" | sort -u | tr '\n' ' ')"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
  else
    echo "missing tools (${need[*]}): the tests that need them will be skipped" >&2
  fi
fi

# One Kubernetes control plane for all test JVMs (built first if its pins changed; minutes the first time).
if ! command -v go >/dev/null 2>&1 && ! testenv/kube-minicluster.sh built; then
  echo "Go is not installed: the real Kubernetes control plane cannot be built, and every test that needs the API" \
       "server would fail. Install Go (the version testenv/kube/go.mod names) and reach the Go module proxy." >&2
  exit 1
fi
cleanup=()
trap 'for c in "${cleanup[@]}"; do $c || true; done' EXIT
export KUBE_MINICLUSTER_DIR="${KUBE_MINICLUSTER_DIR:-/tmp/pvc-resizer-kube-tests}"
cleanup+=("testenv/kube-minicluster.sh stop")
testenv/kube-minicluster.sh start
# The CSI programs (Kubernetes' mock CSI driver, the CSI external-resizer), built once into their cache.
testenv/csi/build.sh >/dev/null

# One Ceph cluster for all test JVMs; they reuse it (and leave it running) instead of each starting its own.
if [ "$(id -u)" -eq 0 ] && command -v ceph-mon >/dev/null 2>&1; then
  export CEPH_MINICLUSTER_DIR="${CEPH_MINICLUSTER_DIR:-/tmp/pvc-resizer-ceph-tests}"
  cleanup+=("testenv/ceph-minicluster.sh stop")
  testenv/ceph-minicluster.sh start
fi

# Containers (docs/containers.md): as root, the base images and the Kafka image are built from Debian packages (or
# loaded from their cache), so that the Testcontainers variants run against Docker or, without it, podman's Docker API;
# after the build the service images are made with Jib, the docker-compose.yml stack is started, one PVC is resized
# through it, and it is torn down. PVC_RESIZER_CONTAINERS=0 leaves containers out.
containers=false
if [ "$(id -u)" -eq 0 ] && [ "${PVC_RESIZER_CONTAINERS:-1}" != 0 ] && command -v apt-get >/dev/null 2>&1 \
    && scripts/containers.sh bases; then
  if ! { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }; then
    export DOCKER_HOST="${DOCKER_HOST:-unix:///run/podman/podman.sock}"
    # Published ports are on this host; without it Testcontainers may pick podman's bridge address.
    export TESTCONTAINERS_HOST_OVERRIDE="${TESTCONTAINERS_HOST_OVERRIDE:-localhost}"
  fi
  export TESTCONTAINERS_RYUK_DISABLED=true
  export PVC_RESIZER_KAFKA_IMAGE="${PVC_RESIZER_KAFKA_IMAGE:-localhost/pvc-resizer/kafka:4.1.2}"
  containers=true
elif [ "$(id -u)" -eq 0 ] && [ "${PVC_RESIZER_CONTAINERS:-1}" != 0 ]; then
  echo "container images could not be built here: the Testcontainers tests are skipped, the compose stack is not run" >&2
fi

mvn -B -ntp verify "$@"

if $containers; then
  # The stack's watcher starts on an API server of its own, not on the thousand claims the tests left behind.
  testenv/kube-minicluster.sh stop
  testenv/kube-minicluster.sh start
  scripts/containers.sh ci
fi
