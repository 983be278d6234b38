#!/usr/bin/env bash
# A throwaway single-node Ceph cluster (one mon, mgr, osd and mds on 127.0.0.1, data in RAM) for tests and the demo:
# an RBD pool "rbd" and a CephFS volume "cephfs", reachable with the ceph.conf and client.admin keyring it writes.
#
#   ceph-minicluster.sh start          bring it up (a no-op when a healthy cluster already runs in the directory)
#   ceph-minicluster.sh stop           unmount its fuse clients, stop every daemon, remove the directory
#   ceph-minicluster.sh status         print HEALTH_OK and exit 0 only if it answers healthy within a few seconds
#   ceph-minicluster.sh env            print CEPH_CONF=... and CEPH_KEYRING=... lines for eval
#   ceph-minicluster.sh pause [d...]   freeze daemons (default: mon.a osd.0) with SIGSTOP to simulate an outage
#   ceph-minicluster.sh resume [d...]  let frozen daemons run again (SIGCONT) and wait until the cluster answers
#
# Needs root, the Debian packages ceph-mon ceph-osd ceph-mgr ceph-mds ceph-common (ceph-fuse rbd-fuse for mounts),
# and no systemd. Settings:
#   CEPH_MINICLUSTER_DIR            cluster directory: config, keys, data, sockets, pids, logs (/tmp/pvc-resizer-ceph)
#   CEPH_MINICLUSTER_MON_PORT       mon msgr2 port; the msgr1 port is this + 1 (13300, so never a default 3300/6789)
#   CEPH_MINICLUSTER_START_TIMEOUT  seconds start may take in all (120)
#   CEPH_MINICLUSTER_OSD_BYTES      RAM the memstore OSD may hold (2 GiB)
set -euo pipefail

DIR="${CEPH_MINICLUSTER_DIR:-/tmp/pvc-resizer-ceph}"
DIR="${DIR%/}"
MON_PORT="${CEPH_MINICLUSTER_MON_PORT:-13300}"
MON_PORT_V1=$((MON_PORT + 1))
START_TIMEOUT="${CEPH_MINICLUSTER_START_TIMEOUT:-120}"
OSD_BYTES="${CEPH_MINICLUSTER_OSD_BYTES:-2147483648}"

CONF="$DIR/ceph.conf"
KEYRING="$DIR/keyring"                    # every daemon's key and the admin key: for the daemons
ADMIN_KEYRING="$DIR/client.admin.keyring" # client.admin only: for clients
PIDS="$DIR/pids"                          # the PIDs this script recorded when it started each daemon
LOGS="$DIR/log"
RUN="$DIR/run"
LOCK="$DIR.lock"                          # beside the directory, so that stop can remove the directory

# Daemons in the order they start; stop goes osd+mds first, then mgr and mon.
DAEMONS=(mon.a mgr.x osd.0 mds.a)

log() { printf '%s\n' "$*"; }
fail() { printf 'ceph-minicluster: %s\n' "$*" >&2; exit 1; }

# Every CLI call is bounded twice: --connect-timeout gives up on an unreachable mon, the outer timeout covers the rest
# (a ceph call to a dead or frozen cluster otherwise hangs forever).
cephc() { timeout -k 2 20 ceph -c "$CONF" --connect-timeout 10 "$@"; }
quick_ceph() { timeout -k 1 8 ceph -c "$CONF" --connect-timeout 5 "$@"; }
rbdc() { timeout -k 2 30 rbd -c "$CONF" --client_mount_timeout=10 "$@"; }

# ---------------------------------------------------------------------------------------------------- small helpers

now() { date +%s; }

# wait_for <deadline-epoch> <what> <command...>: polls the command every half second until it succeeds or the
# deadline passes; fails early (with the log's tail) when one of our daemons died meanwhile.
wait_for() {
  local deadline=$1 what=$2
  shift 2
  while ! "$@" >/dev/null 2>&1; do
    check_daemons_alive
    if [ "$(now)" -ge "$deadline" ]; then
      fail "timed out waiting for $what"
    fi
    sleep 0.5
  done
}

# The PID recorded for a daemon, if that process still runs and really is that daemon of this cluster.
daemon_pid() {
  local name=$1 pid
  [ -f "$PIDS/$name.pid" ] || return 1
  pid=$(cat "$PIDS/$name.pid")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "-c $CONF" || return 1
  printf '%s\n' "$pid"
}

check_daemons_alive() {
  local name
  for name in "${DAEMONS[@]}"; do
    if [ -f "$PIDS/$name.pid" ] && ! daemon_pid "$name" >/dev/null; then
      tail -n 20 "$LOGS/$name.out" "$LOGS/$name.log" >&2 2>/dev/null || true
      fail "$name exited (logs: $LOGS/$name.out, $LOGS/$name.log)"
    fi
  done
}

# start_daemon <name> <program> <args...>: runs the daemon in the foreground mode (-f) in a session of its own, with
# stdin/stdout/stderr on files and every other inherited fd closed, so that it neither dies with the caller's process
# group nor keeps the caller's pipes open; records its PID (setsid does not fork here, as a background child of a
# script is no process group leader, so $! is the daemon itself).
start_daemon() {
  local name=$1
  shift
  (
    for fd in $(ls /proc/$BASHPID/fd); do
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
    done
    exec setsid "$@" -f -c "$CONF" </dev/null >>"$LOGS/$name.out" 2>&1
  ) &
  echo $! >"$PIDS/$name.pid"
}

# stop_daemons <grace-seconds> <name...>: SIGCONT (in case they were paused) and SIGTERM, wait up to the grace for all
# of them, then SIGKILL what is left. The data is thrown away, so a daemon slow to shut down is simply killed.
stop_daemons() {
  local grace=$1 name pid pids=() deadline
  shift
  for name in "$@"; do
    if pid=$(daemon_pid "$name"); then
      kill -CONT "$pid" 2>/dev/null || true
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  deadline=$(($(now) + grace))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ "$(now)" -lt "$deadline" ]; do
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

# ------------------------------------------------------------------------------------------------------- health

healthy() {
  [ -f "$CONF" ] || return 1
  [ "$(quick_ceph health 2>/dev/null)" = "HEALTH_OK" ]
}

# All PGs of all pools exist and are active+clean (HEALTH_OK is reported while PGs are still being created).
all_pgs_clean() {
  local expected stat
  expected=$(cephc osd pool ls detail -f json | grep -o '"pg_num":[0-9]*' | awk -F: '{s += $2} END {print s + 0}')
  stat=$(cephc pg stat)
  [[ "$stat" =~ ^([0-9]+)\ pgs:\ ([0-9]+)\ active\+clean\; ]] || return 1
  [ "${BASH_REMATCH[1]}" = "$expected" ] && [ "${BASH_REMATCH[2]}" = "$expected" ]
}

osd_up() { cephc osd stat -f json | grep -Eq '"num_up_osds": ?1[,}]'; }
mgr_available() { cephc mgr stat -f json | grep -Eq '"available": ?true'; }
mds_active() { cephc mds stat | grep -q 'up:active'; }
health_ok() { [ "$(cephc health)" = "HEALTH_OK" ]; }

# ------------------------------------------------------------------------------------------------------- start

write_config() {
  local fsid=$1
  cat >"$CONF" <<EOF
# Single-node throwaway cluster made by ceph-minicluster.sh; everything lives under $DIR.
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$MON_PORT,v1:127.0.0.1:$MON_PORT_V1]
mon initial members = a
public addr = 127.0.0.1
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $KEYRING
# all state, sockets, pids and logs under the cluster directory, none in /var/lib/ceph, /var/run/ceph or /var/log/ceph
run dir = $RUN
admin socket = $RUN/\$name.asok
pid file = $RUN/\$name.pid
log file = $LOGS/\$name.log
mon data = $DIR/\$name
osd data = $DIR/\$name
mgr data = $DIR/\$name
mds data = $DIR/\$name
# one OSD whose data is in RAM, capped
osd objectstore = memstore
memstore device bytes = $OSD_BYTES
# one copy of everything is enough, and is no health warning
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool delete = true
mon warn on insecure global id reclaim allowed = false
# /tmp may be nearly full on a test machine: no "mon is low on available space" warning
mon data avail warn = 1
mon data avail crit = 0

[mds]
# beacons every second, so that an mds told to stop is out of the map at once (4 s by default)
mds beacon interval = 1

[client]
keyring = $ADMIN_KEYRING
# clients (ceph, rbd, ceph-fuse, rbd-fuse) must not share one pid file or admin socket: the second one would fail;
# they share one log file (appended to), so that a thousand CLI calls leave no thousand empty logs behind
pid file =
admin socket = $RUN/\$cluster-\$name.\$pid.asok
log file = $LOGS/clients.log
EOF
}

# One keyring for every daemon and the admin, with the caps each needs; the mon imports it all at mkfs. The admin key
# is made first in a keyring of its own (client.admin only, 0600), which clients use.
write_keyrings() {
  (umask 077 && ceph-authtool --create-keyring "$ADMIN_KEYRING" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *' >/dev/null)
  (umask 077 && ceph-authtool --create-keyring "$KEYRING" --gen-key -n mon. --cap mon 'allow *' >/dev/null)
  ceph-authtool "$KEYRING" --import-keyring "$ADMIN_KEYRING" >/dev/null
  ceph-authtool "$KEYRING" --gen-key -n mgr.x \
    --cap mon 'allow profile mgr' --cap osd 'allow *' --cap mds 'allow *' >/dev/null
  ceph-authtool "$KEYRING" --gen-key -n osd.0 \
    --cap mon 'allow profile osd' --cap mgr 'allow profile osd' --cap osd 'allow *' >/dev/null
  ceph-authtool "$KEYRING" --gen-key -n mds.a \
    --cap mon 'allow profile mds' --cap mgr 'allow profile mds' --cap osd 'allow *' --cap mds 'allow *' >/dev/null
  chmod 0600 "$KEYRING" "$ADMIN_KEYRING"
}

do_start() {
  local t0 deadline fsid osd_uuid osd_id out
  [ "$(id -u)" -eq 0 ] || fail "needs root"
  for tool in ceph-mon ceph-mgr ceph-osd ceph-mds ceph ceph-authtool monmaptool rbd; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (apt-get install ceph-mon ceph-osd ceph-mgr ceph-mds ceph-common)"
  done
  t0=$(now)
  deadline=$((t0 + START_TIMEOUT))

  # A healthy cluster already in the directory is reused as it is.
  if healthy; then
    log "ceph minicluster in $DIR is already running and healthy"
    return 0
  fi
  # Anything else there (a half-started or dead cluster) is torn down first.
  if [ -e "$DIR" ]; then
    log "stale cluster directory $DIR: stopping it first"
    do_stop_locked
  fi
  for port in "$MON_PORT" "$MON_PORT_V1"; do
    if ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
      fail "port $port on this host is taken; set CEPH_MINICLUSTER_MON_PORT"
    fi
  done

  # Fresh identity, config and keys.
  mkdir -p "$DIR" "$PIDS" "$LOGS" "$RUN" "$DIR/mon.a" "$DIR/mgr.x" "$DIR/osd.0" "$DIR/mds.a"
  fsid=$(uuidgen)
  write_config "$fsid"
  write_keyrings
  log "config and keys written ($CONF, fsid $fsid)"

  # Monitor: a monmap with our one mon on the chosen ports, mkfs (imports the keyring), start, wait for quorum.
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$MON_PORT,v1:127.0.0.1:$MON_PORT_V1]" \
    --enable-all-features "$DIR/monmap" >/dev/null
  ceph-mon --mkfs -i a -c "$CONF" --monmap "$DIR/monmap" --keyring "$KEYRING" >>"$LOGS/mon.a.out" 2>&1 \
    || fail "ceph-mon --mkfs failed (see $LOGS/mon.a.out)"
  start_daemon mon.a ceph-mon -i a
  wait_for "$deadline" "mon quorum" cephc quorum_status
  log "mon.a up in quorum on 127.0.0.1:$MON_PORT ($(($(now) - t0)) s)"

  # Manager.
  start_daemon mgr.x ceph-mgr -i x
  log "mgr.x started"

  # OSD: register it (gets id 0), make its memstore, start it.
  osd_uuid=$(uuidgen)
  osd_id=$(cephc osd new "$osd_uuid")
  [ "$osd_id" = "0" ] || fail "ceph osd new returned id '$osd_id', expected 0"
  ceph-osd -i 0 -c "$CONF" --mkfs --osd-uuid "$osd_uuid" >>"$LOGS/osd.0.out" 2>&1 \
    || fail "ceph-osd --mkfs failed (see $LOGS/osd.0.out)"
  start_daemon osd.0 ceph-osd -i 0

  # Metadata server (stays standby until the file system exists).
  start_daemon mds.a ceph-mds -i a
  wait_for "$deadline" "osd.0 up" osd_up
  log "osd.0 and mds.a up ($(($(now) - t0)) s)"

  # RBD pool.
  out=$(cephc osd pool create rbd 8 2>&1) || fail "ceph osd pool create rbd failed: $out"
  out=$(rbdc pool init rbd 2>&1) || fail "rbd pool init rbd failed: $out"
  log "pool rbd ready ($(($(now) - t0)) s)"

  # CephFS volume: needs the mgr's volumes module, which answers only once the mgr is available.
  wait_for "$deadline" "mgr available" mgr_available
  wait_for "$deadline" "mgr volumes module" cephc fs volume ls
  out=$(cephc fs volume create cephfs 2>&1) || fail "ceph fs volume create cephfs failed: $out"
  wait_for "$deadline" "an up:active mds" mds_active
  log "cephfs volume ready with mds.a active ($(($(now) - t0)) s)"

  # Healthy, and every PG created and active+clean.
  wait_for "$deadline" "HEALTH_OK" health_ok
  wait_for "$deadline" "all PGs active+clean" all_pgs_clean
  log "HEALTH_OK, all PGs active+clean: started in $(($(now) - t0)) s"
  log "use: ceph -c $CONF --keyring $ADMIN_KEYRING -s"
}

# ------------------------------------------------------------------------------------------------------- stop

# PIDs of ceph-fuse / rbd-fuse processes that are clients of this cluster: their command line or CEPH_CONF names the
# cluster directory, or they made an admin socket in it.
fuse_client_pids() {
  local pid asok
  {
    for pid in $(pgrep -x ceph-fuse || true) $(pgrep -x rbd-fuse || true); do
      if tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DIR/" ||
        tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qF -- "CEPH_CONF=$DIR/"; then
        echo "$pid"
      fi
    done
    for asok in "$RUN"/*.asok; do
      [ -e "$asok" ] || continue
      pid=${asok%.asok}
      pid=${pid##*.}
      case "$(cat "/proc/$pid/comm" 2>/dev/null)" in ceph-fuse | rbd-fuse) echo "$pid" ;; esac
    done
  } | sort -un
}

# "mountpoint fstype source" for every mount (the fields after the " - " separator of /proc/self/mountinfo).
mount_table() {
  awk '{for (i = 7; i <= NF; i++) if ($i == "-") {print $5, $(i + 1), $(i + 2); break}}' /proc/self/mountinfo
}

# Mount points (fuse type) that a fuse client has among its arguments. Paths are compared as text only: a stat on a
# mount whose daemon is stuck would block.
fuse_mounts_of() {
  local pid=$1 arg path
  while IFS= read -r -d '' arg; do
    case "$arg" in /*) ;; *) continue ;; esac
    path=$(realpath -s -m -- "$arg" 2>/dev/null) || continue
    if mount_table | awk -v p="$path" '$1 == p && $2 ~ /^fuse/ {found = 1} END {exit !found}'; then
      echo "$path"
    fi
  done <"/proc/$pid/cmdline"
}

# bounded <seconds> <command...>: runs a command that may block in the kernel (umount, losetup on a fuse-backed file)
# and gives up on it after the deadline. Unlike timeout(1), it never waits for a process stuck in uninterruptible
# sleep (a fuse request whose daemon no longer answers cannot even be SIGKILLed): it kills it and moves on.
bounded() {
  local secs=$1 pid deadline
  shift
  "$@" </dev/null >/dev/null 2>&1 9>&- &
  pid=$!
  deadline=$(($(now) + secs))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$(now)" -ge "$deadline" ]; then
      kill -KILL "$pid" 2>/dev/null || true
      log "gave up on '$*' after $secs s"
      return 1
    fi
    sleep 0.1
  done
  wait "$pid"
}

# The cluster can serve its clients: mon, osd and mds run (not paused) and the mon answers within seconds.
cluster_serving() {
  local name pid
  for name in mon.a osd.0 mds.a; do
    pid=$(daemon_pid "$name") || return 1
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != T ] || return 1
  done
  quick_ceph health >/dev/null 2>&1
}

kill_pids() {
  local pid
  for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
}

# Takes every client of this cluster down while the cluster still runs: filesystems on loop devices backed by files
# under a fuse mount of this cluster or under the cluster dir, those loop devices, then the fuse mounts themselves
# (unmounting lets a ceph-fuse close its MDS session and exit). With the cluster already down, I/O through its fuse
# clients would block forever, so they are killed first: their mounts then fail fast and can be taken apart.
stop_clients() {
  local pids=() mounts=() pid mp loop backing dev under deadline
  mapfile -t pids < <(fuse_client_pids)
  for pid in "${pids[@]}"; do
    mapfile -t -O "${#mounts[@]}" mounts < <(fuse_mounts_of "$pid")
  done
  # fuse mounts under the cluster dir whose daemon is gone already
  while read -r mp; do mounts+=("$mp"); done < <(mount_table | awk -v d="$DIR/" 'index($1, d) == 1 && $2 ~ /^fuse/ {print $1}')

  if [ ${#pids[@]} -gt 0 ] && ! cluster_serving; then
    log "the cluster does not serve: killing its fuse clients (${pids[*]}) first"
    kill_pids "${pids[@]}"
  fi

  # Loop devices: read the backing file from sysfs (losetup -a would hang on a dead fuse mount).
  for loop in /sys/block/loop*/loop/backing_file; do
    [ -r "$loop" ] || continue
    backing=$(cat "$loop" 2>/dev/null) || continue
    under=no
    case "$backing" in "$DIR"/*) under=yes ;; esac
    for mp in "${mounts[@]}"; do
      case "$backing" in "$mp"/*) under=yes ;; esac
    done
    [ "$under" = yes ] || continue
    dev=/dev/$(basename "$(dirname "$(dirname "$loop")")")
    while read -r mp; do
      log "unmounting $mp (on $dev)"
      bounded 20 umount "$mp" || bounded 5 umount -l "$mp" || true
    done < <(mount_table | awk -v d="$dev" '$3 == d {print $1}')
    log "detaching $dev ($backing)"
    bounded 10 losetup -d "$dev" || true
  done

  for mp in $(printf '%s\n' "${mounts[@]}" | sort -ur); do
    log "unmounting $mp"
    bounded 10 umount "$mp" || bounded 5 fusermount -uz "$mp" || bounded 5 umount -l "$mp" || true
  done
  # A client whose unmount did not end it within seconds is killed.
  deadline=$(($(now) + 10))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ "$(now)" -lt "$deadline" ]; do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "killing fuse client $pid"
      kill_pids "$pid"
    fi
  done
}

do_stop_locked() {
  local pid
  [ -e "$DIR" ] || return 0
  # Paused daemons must run again for their clients to unmount cleanly.
  for name in "${DAEMONS[@]}"; do
    if pid=$(daemon_pid "$name"); then kill -CONT "$pid" 2>/dev/null || true; fi
  done
  local t0
  t0=$(now)
  stop_clients
  log "clients of the cluster gone ($(($(now) - t0)) s)"
  # the mds deregisters from the mon within a second (beacon interval 1 s) but then lingers for seconds: 3 s grace
  stop_daemons 3 osd.0 mds.a
  log "osd.0 and mds.a stopped ($(($(now) - t0)) s)"
  stop_daemons 5 mgr.x mon.a
  log "mgr.x and mon.a stopped ($(($(now) - t0)) s)"
  # Anything else still running with this cluster's config (say a daemon whose pid file was lost).
  for pid in $(pgrep -f -- "-c $CONF" || true); do
    [ "$pid" != "$$" ] && kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf --one-file-system "$DIR"
}

do_stop() {
  local t0
  t0=$(now)
  if [ ! -e "$DIR" ]; then
    log "no ceph minicluster in $DIR"
    return 0
  fi
  do_stop_locked
  log "ceph minicluster in $DIR stopped and removed in $(($(now) - t0)) s"
}

# ------------------------------------------------------------------------------------------------ pause / resume

daemon_names() {
  if [ $# -eq 0 ]; then
    echo mon.a osd.0
  else
    echo "$@"
  fi
}

do_pause() {
  local name pid
  for name in $(daemon_names "$@"); do
    pid=$(daemon_pid "$name") || fail "$name is not running"
    kill -STOP "$pid"
    log "$name paused (SIGSTOP $pid)"
  done
}

do_resume() {
  local name pid t0
  t0=$(now)
  for name in $(daemon_names "$@"); do
    pid=$(daemon_pid "$name") || fail "$name is not running"
    kill -CONT "$pid"
    log "$name resumed (SIGCONT $pid)"
  done
  wait_for $((t0 + 60)) "HEALTH_OK after resume" health_ok
  log "HEALTH_OK again after $(($(now) - t0)) s"
}

# ------------------------------------------------------------------------------------------------------- main

with_lock() {
  # Serializes start/stop of the same directory (two test JVMs, say); fd 9 is closed in every daemon we start.
  exec 9>"$LOCK"
  flock -w 300 9 || fail "could not lock $LOCK"
  "$@"
}

case "${1:-}" in
  start) with_lock do_start ;;
  stop) with_lock do_stop ;;
  status)
    if healthy; then
      echo HEALTH_OK
    else
      echo "ceph minicluster in $DIR is not running or not healthy" >&2
      exit 1
    fi
    ;;
  env)
    echo "CEPH_CONF=$CONF"
    echo "CEPH_KEYRING=$ADMIN_KEYRING"
    ;;
  pause) shift; do_pause "$@" ;;
  resume) shift; do_resume "$@" ;;
  *)
    echo "usage: $0 start|stop|status|env|pause [daemon...]|resume [daemon...]" >&2
    exit 2
    ;;
esac
