#!/usr/bin/env bash
# Builds the test control plane (etcd, kube-apiserver, kube-controller-manager, kubectl) at the versions pinned in
# this folder's go.mod, once, into a cache directory keyed by go.sum; prints that directory's bin/ on stdout.
# Later calls with the same pins only print it. Progress goes to stderr.
#   PVC_RESIZER_KUBE_CHECK_ONLY  when set, build nothing: exit 1 unless already built
#   PVC_RESIZER_KUBE_CACHE   cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/pvc-resizer/kube)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache_root="${PVC_RESIZER_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pvc-resizer/kube}"
key="$(cat "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-16)"
bin="$cache_root/$key/bin"
programs=(etcd kube-apiserver kube-controller-manager kubectl)

# shellcheck source=../lib/cached-programs.sh
. "$here/../lib/cached-programs.sh"
cached_programs_or_exit "$bin" "${PVC_RESIZER_KUBE_CHECK_ONLY:-}" "the real Kubernetes control plane" "$here/go.mod" \
  "${programs[@]}"

kube_version="$(sed -n 's#^\tk8s.io/kubernetes \(v[^ ]*\).*#\1#p' "$here/go.mod")"
etcd_version="$(sed -n 's#^\tgo.etcd.io/etcd/server/v3 \(v[^ ]*\).*#\1#p' "$here/go.mod")"
echo "building the Kubernetes control plane $kube_version and etcd $etcd_version into $bin" >&2
echo "(first time: module download and a build of several minutes on 2 cores; cached afterwards)" >&2
mkdir -p "$bin.partial"
# The version the programs report (kubectl version, /version, the skew checks), as Kubernetes' own build stamps it.
minor="${kube_version#v1.}"; minor="${minor%%.*}"
ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
cd "$here"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
start=$(date +%s)
echo "  downloading modules..." >&2
go mod download
for p in "${programs[@]}"; do
  case "$p" in
    etcd) pkg=go.etcd.io/etcd/server/v3 ;;
    *) pkg="k8s.io/kubernetes/cmd/$p" ;;
  esac
  t=$(date +%s)
  echo "  building $p ($pkg)..." >&2
  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w $ldflags" -o "$bin.partial/$p" "$pkg"
  echo "  built $p in $(( $(date +%s) - t )) s" >&2
done
rm -rf "$bin"
mv "$bin.partial" "$bin"
echo "control plane built in $(( $(date +%s) - start )) s" >&2
echo "$bin"
