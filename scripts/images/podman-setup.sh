#!/usr/bin/env bash
# Sets up podman as the container engine for pvc-resizer's images and tests (as root, on Debian):
#   1. installs podman, runc, debootstrap and docker-compose (Debian's 1.29) when missing;
#   2. adds the engine settings that containers need on hosts like our CI machines to
#      /etc/containers/containers.conf, each only when that file does not set it already;
#   3. starts podman's Docker-API service on unix:///run/podman/podman.sock unless it already answers.
# It prints `export ...` lines for the Docker clients (docker-compose, Testcontainers) on stdout and
# everything else on stderr, so a shell can take them with: eval "$(scripts/images/podman-setup.sh)"
# It is safe to run again: every step checks first and changes nothing that is already in place.
#
# Env: PODMAN_SOCKET (default /run/podman/podman.sock), PODMAN_SERVICE_LOG (default
#      /var/log/pvc-resizer-podman-service.log), CONTAINERS_CONF (default /etc/containers/containers.conf).
set -euo pipefail

SOCKET="${PODMAN_SOCKET:-/run/podman/podman.sock}"
SERVICE_LOG="${PODMAN_SERVICE_LOG:-/var/log/pvc-resizer-podman-service.log}"
CONF="${CONTAINERS_CONF:-/etc/containers/containers.conf}"

log() { printf '[podman-setup] %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  log "run this as root (it installs packages and writes $CONF)"
  exit 1
fi

# --- 1. packages -------------------------------------------------------------------------------
# command name -> Debian package
declare -A wanted=([podman]=podman [runc]=runc [debootstrap]=debootstrap [docker-compose]=docker-compose
                   [curl]=curl)
missing=()
for cmd in podman runc debootstrap docker-compose curl; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${wanted[$cmd]}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_log="$(mktemp)"
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    log "apt-get failed"
    exit 1
  fi
  rm -f "$apt_log"
else
  log "packages present: podman runc debootstrap docker-compose curl"
fi

# --- 2. /etc/containers/containers.conf ----------------------------------------------------------
# has_key SECTION KEY: true when CONF sets KEY inside [SECTION] (a commented-out line does not count).
has_key() {
  [ -f "$CONF" ] || return 1
  awk -v want="$1" -v key="$2" '
    /^[[:space:]]*\[[^]]*\][[:space:]]*$/ { s = $0; gsub(/[][[:space:]]/, "", s); next }
    s == want && $0 ~ "^[[:space:]]*" key "[[:space:]]*=" { found = 1 }
    END { exit found ? 0 : 1 }' "$CONF"
}

# add_key SECTION KEY VALUE COMMENT: puts "KEY = VALUE" (with COMMENT above it) right under the
# [SECTION] header, adding the header at the end of the file when there is none.
add_key() {
  local section="$1" key="$2" value="$3" comment="$4" tmp
  mkdir -p "$(dirname "$CONF")"
  if [ ! -f "$CONF" ]; then
    printf '# podman engine settings; see containers.conf(5). Lines marked pvc-resizer come from\n# scripts/images/podman-setup.sh, which adds a setting only when this file does not set it.\n' >"$CONF"
  fi
  tmp="$(mktemp "$CONF.XXXXXX")"
  awk -v want="$section" -v line="$key = $value" -v comment="$comment" '
    { print }
    !done && /^[[:space:]]*\[[^]]*\][[:space:]]*$/ {
      s = $0; gsub(/[][[:space:]]/, "", s)
      if (s == want) { print comment; print line; done = 1 }
    }
    END { if (!done) { print ""; print "[" want "]"; print comment; print line } }' "$CONF" >"$tmp"
  chmod 0644 "$tmp"
  mv "$tmp" "$CONF"
  log "set [$section] $key = $value in $CONF"
}

ensure_key() {
  if has_key "$1" "$2"; then
    log "kept [$1] $2 as $CONF sets it: $(awk -v k="$2" '$0 ~ "^[[:space:]]*" k "[[:space:]]*=" {print; exit}' "$CONF")"
  else
    add_key "$@"
  fi
}

ensure_key engine runtime '"runc"' \
  '# pvc-resizer: crun fails on hosts whose cgroups are in hybrid mode ("cgroups in hybrid mode not supported"); runc works there.'
ensure_key engine cgroup_manager '"cgroupfs"' \
  '# pvc-resizer: without a systemd session (containers, CI machines) the systemd cgroup manager cannot be used; cgroupfs can.'
ensure_key containers default_ulimits '["nofile=1024:1024", "nproc=1024:1024"]' \
  '# pvc-resizer: the default nofile limit can exceed the host hard limit ("setrlimit RLIMIT_NOFILE: Operation not permitted"); 1024 fits everywhere and is enough for our services and a test broker.'

# --- 3. Docker-API service ------------------------------------------------------------------------
ping() { curl -fsS --max-time 2 --unix-socket "$SOCKET" http://d/v1.41/_ping >/dev/null 2>&1; }

# A service started from a directory since removed answers pings but starts no container (see below): replace it.
for pid in $(pgrep -f "podman system service .*unix://$SOCKET" || true); do
  if [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == *" (deleted)" ]]; then
    log "the Docker-API service (pid $pid) runs in a removed directory: restarting it"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
done

if ping; then
  log "Docker API already answers on $SOCKET"
else
  mkdir -p "$(dirname "$SOCKET")" "$(dirname "$SERVICE_LOG")"
  # a socket file left by a service that is gone would make the new one fail to bind
  if [ -S "$SOCKET" ]; then rm -f "$SOCKET"; fi
  log "starting: podman system service --time=0 unix://$SOCKET (log: $SERVICE_LOG)"
  # From /: the service outlives the checkout that started it, and conmon, which inherits its working directory,
  # fails every container start ("Failed to get working directory", "write child: broken pipe") once that is gone.
  (cd / && exec setsid nohup podman system service --time=0 "unix://$SOCKET" >>"$SERVICE_LOG" 2>&1 </dev/null) &
  log "service pid $!"
  for _ in $(seq 1 100); do
    ping && break
    sleep 0.1
  done
  if ! ping; then
    log "the Docker API does not answer on $SOCKET; see $SERVICE_LOG"
    exit 1
  fi
  log "Docker API answers on $SOCKET"
fi

printf 'export DOCKER_HOST=unix://%s\n' "$SOCKET"
# Testcontainers' resource reaper (Ryuk) is an image from a registry; without registry access it cannot start.
printf 'export TESTCONTAINERS_RYUK_DISABLED=true\n'
# podman publishes ports on this machine; without this, Testcontainers on a host that has /.dockerenv
# would reach them through the bridge's gateway address instead of localhost.
printf 'export TESTCONTAINERS_HOST_OVERRIDE=localhost\n'
