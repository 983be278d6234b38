#!/usr/bin/env bash
# Builds the CSI test programs (csi-mock-driver, csi-resizer) at the versions pinned in this folder's go.mod, once,
# into a cache directory keyed by go.mod, go.sum and the command's source; prints that directory's bin/ on stdout.
# Later calls with the same pins only print it. Progress goes to stderr.
#   PVC_RESIZER_CSI_CHECK_ONLY  when set, build nothing: exit 1 unless already built
#   PVC_RESIZER_CSI_CACHE       cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/pvc-resizer/csi)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache_root="${PVC_RESIZER_CSI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pvc-resizer/csi}"
key="$(cat "$here/go.mod" "$here/go.sum" "$here"/cmd/*/*.go | sha256sum | cut -c1-16)"
bin="$cache_root/$key/bin"
programs=(csi-mock-driver csi-resizer)

# shellcheck source=../lib/cached-programs.sh
. "$here/../lib/cached-programs.sh"
cached_programs_or_exit "$bin" "${PVC_RESIZER_CSI_CHECK_ONLY:-}" "the CSI test programs" "$here/go.mod" "${programs[@]}"

resizer_version="$(sed -n 's#^\tgithub.com/kubernetes-csi/external-resizer/v2 \(v[^ ]*\).*#\1#p' "$here/go.mod")"
echo "building csi-mock-driver and csi-resizer $resizer_version into $bin" >&2
mkdir -p "$bin.partial"
cd "$here"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
start=$(date +%s)
go mod download
for p in "${programs[@]}"; do
  case "$p" in
    csi-resizer) pkg=github.com/kubernetes-csi/external-resizer/v2/cmd/csi-resizer
                 ldflags="-X main.version=$resizer_version" ;;
    *) pkg="./cmd/$p"; ldflags="" ;;
  esac
  t=$(date +%s)
  echo "  building $p ($pkg)..." >&2
  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w $ldflags" -o "$bin.partial/$p" "$pkg"
  echo "  built $p in $(( $(date +%s) - t )) s" >&2
done
rm -rf "$bin"
mv "$bin.partial" "$bin"
echo "CSI programs built in $(( $(date +%s) - start )) s" >&2
echo "$bin"
