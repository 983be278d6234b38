#!/usr/bin/env bash
# Runs every test of pvc-resizer: unit tests (*Test), integration tests on a real in-process Kafka broker, the mock
# Kubernetes API server and real loop devices (*IT), and the end-to-end tests of the three services (*E2E).
# Installs the node tools the tests use when they are missing (as root, from the distribution's packages).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for tool in mkfs.xfs:xfsprogs xfs_growfs:xfsprogs resize2fs:e2fsprogs e2fsck:e2fsprogs losetup:mount blkid:util-linux; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || need+=("${tool##*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing node tools: ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
  else
    echo "missing tools (${need[*]}): the tests that grow real filesystems will be skipped" >&2
  fi
fi

exec mvn -B -ntp verify "$@"
