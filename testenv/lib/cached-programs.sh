# Sourced by the build scripts of testenv/*: the part every one of them shares.
# cached_programs_or_exit BIN CHECK_ONLY WHAT GO_MOD PROGRAM...
#   prints BIN and exits 0 when every PROGRAM is already built there; exits 1 when CHECK_ONLY is set (build nothing);
#   exits 3 naming WHAT when Go is missing; otherwise returns, and the caller builds.
cached_programs_or_exit() {
  local bin="$1" check_only="$2" what="$3" go_mod="$4"
  shift 4
  local complete=true p
  for p in "$@"; do [ -x "$bin/$p" ] || complete=false; done
  if $complete; then
    echo "$bin"
    exit 0
  fi
  if [ -n "$check_only" ]; then
    exit 1
  fi
  if ! command -v go >/dev/null 2>&1; then
    echo "go is not installed: $what cannot be built here (it needs Go $(sed -n 's/^go //p' "$go_mod") and the Go module proxy)" >&2
    exit 3
  fi
}
