#!/usr/bin/env bash
# A throwaway single-node Kubernetes control plane for tests, the demo and the benchmark: etcd, kube-apiserver and
# kube-controller-manager of the release pinned in testenv/kube/go.mod, on 127.0.0.1, with TLS from a throwaway CA,
# --authorization-mode=Node,RBAC, service account tokens and the default admission plugins. No kubelet, no scheduler:
# pods created with spec.nodeName stay Pending, which is all pvc-resizer reads of them.
#
#   kube-minicluster.sh start                  build the programs once (cached), bring the cluster up (a no-op when
#                                              one already answers in the directory)
#   kube-minicluster.sh stop                   stop every process, remove the directory
#   kube-minicluster.sh built                  exit 0 only if the programs are built and cached (no build)
#   kube-minicluster.sh status                 print "ready" and exit 0 only if the API server answers /readyz
#   kube-minicluster.sh env                    print KUBECONFIG=... and KUBE_MINICLUSTER_BIN=... lines for eval
#   kube-minicluster.sh kubeconfig [ns sa]     print the admin kubeconfig's path; with a namespace and a service
#                                              account, write a kubeconfig that authenticates with a fresh token of
#                                              that account and print its path
#   kube-minicluster.sh token <ns> <sa>        print a token of that service account (audience: the API server)
#   kube-minicluster.sh pause                  stop kube-apiserver and etcd (data kept), to simulate an outage
#   kube-minicluster.sh resume                 start them again on the same data and wait until /readyz answers
#
# Settings:
#   KUBE_MINICLUSTER_DIR            cluster directory: certificates, kubeconfigs, etcd data, pids, logs
#                                   (/tmp/pvc-resizer-kube)
#   KUBE_MINICLUSTER_PORT           the API server's secure port on 127.0.0.1 (16443); etcd uses this - 4064 and -4063
#   KUBE_MINICLUSTER_START_TIMEOUT  seconds start may take once built (60)
#   PVC_RESIZER_KUBE_CACHE          where the built programs are cached (see testenv/kube/build.sh)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
DIR="${KUBE_MINICLUSTER_DIR:-/tmp/pvc-resizer-kube}"
DIR="${DIR%/}"
PORT="${KUBE_MINICLUSTER_PORT:-16443}"
ETCD_PORT=$((PORT - 4064))
ETCD_PEER_PORT=$((PORT - 4063))
START_TIMEOUT="${KUBE_MINICLUSTER_START_TIMEOUT:-60}"

PKI="$DIR/pki"
PIDS="$DIR/pids"
LOGS="$DIR/log"
ADMIN_KUBECONFIG="$DIR/admin.kubeconfig"
LOCK="$DIR.lock"
SERVER="https://127.0.0.1:$PORT"

log() { printf '%s\n' "$*" >&2; }
fail() { printf 'kube-minicluster: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }

BIN=""
programs() {
  if [ -z "$BIN" ]; then
    BIN="$("$HERE/kube/build.sh")" || fail "the control plane could not be built (see above)"
  fi
}

# ------------------------------------------------------------------------------------------------ processes

process_pid() {
  local name=$1 pid
  [ -f "$PIDS/$name.pid" ] || return 1
  pid=$(cat "$PIDS/$name.pid")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$DIR/" || return 1
  printf '%s\n' "$pid"
}

# start_process <name> <program> <args...>: runs it in a session of its own, output to its log, every inherited fd
# above 2 closed (so that it keeps no caller's pipe open), and records its PID.
start_process() {
  local name=$1
  shift
  (
    for fd in $(ls /proc/$BASHPID/fd); do
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
    done
    exec setsid "$@" </dev/null >>"$LOGS/$name.log" 2>&1
  ) &
  echo $! >"$PIDS/$name.pid"
}

stop_process() {
  local name=$1 pid deadline
  pid=$(process_pid "$name") || { rm -f "$PIDS/$name.pid"; return 0; }
  kill -CONT "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(($(now) + 10))
  while kill -0 "$pid" 2>/dev/null && [ "$(now)" -lt "$deadline" ]; do sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$PIDS/$name.pid"
}

# wait_for <deadline> <what> <command...>: polls until the command succeeds; fails with the logs' tail when one of
# the processes died or the deadline passed.
wait_for() {
  local deadline=$1 what=$2 name
  shift 2
  while ! "$@" >/dev/null 2>&1; do
    for name in etcd kube-apiserver kube-controller-manager; do
      if [ -f "$PIDS/$name.pid" ] && ! process_pid "$name" >/dev/null; then
        tail -n 30 "$LOGS/$name.log" >&2 || true
        fail "$name exited (log: $LOGS/$name.log)"
      fi
    done
    [ "$(now)" -lt "$deadline" ] || fail "timed out waiting for $what (logs: $LOGS)"
    sleep 0.3
  done
}

ready() {
  [ -f "$PKI/admin.crt" ] || return 1
  [ "$(curl -sS --max-time 3 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "$SERVER/readyz" 2>/dev/null)" = "ok" ]
}

rbac_ready() {
  [ "$("$BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" auth can-i list persistentvolumes \
    --as=system:serviceaccount:kube-system:persistent-volume-binder 2>/dev/null)" = yes ]
}

etcd_healthy() {
  curl -sS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'
}

# -------------------------------------------------------------------------------------------- certificates

# cert <name> <subject> [<subjectAltName>]: a key and a certificate signed by the cluster's CA.
cert() {
  local name=$1 subject=$2 san=${3:-} ext="$PKI/$1.ext"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ -n "$san" ]; then echo "extendedKeyUsage=serverAuth"; echo "subjectAltName=$san"; else echo "extendedKeyUsage=clientAuth"; fi
  } >"$ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 30 \
    -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$ext"
}

make_pki() {
  mkdir -p "$PKI"
  openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$PKI/ca.key" -subj "/CN=pvc-resizer-test-ca" -days 30 \
    -out "$PKI/ca.crt" 2>/dev/null
  cert apiserver "/CN=kube-apiserver" \
    "IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
  cert admin "/O=system:masters/CN=kubernetes-admin"
  cert controller-manager "/CN=system:kube-controller-manager"
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  chmod 600 "$PKI"/*.key
}

# kubeconfig_file <path> <namespace> <user-lines...>: a kubeconfig for this cluster with the given user entry; the CA
# is embedded, so that a service account's kubeconfig works wherever it is copied (into a container, say).
kubeconfig_file() {
  local path=$1 namespace=$2
  shift 2
  umask 077
  {
    echo "apiVersion: v1"
    echo "kind: Config"
    echo "clusters:"
    echo "- name: pvc-resizer-test"
    echo "  cluster:"
    echo "    server: $SERVER"
    echo "    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")"
    echo "contexts:"
    echo "- name: pvc-resizer-test"
    echo "  context: {cluster: pvc-resizer-test, user: user, namespace: $namespace}"
    echo "current-context: pvc-resizer-test"
    echo "users:"
    echo "- name: user"
    echo "  user:"
    printf '    %s\n' "$@"
  } >"$path"
}

# ------------------------------------------------------------------------------------------------ start/stop

start_etcd() {
  start_process etcd "$BIN/etcd" --name=minicluster --data-dir="$DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="minicluster=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync --log-level=warn \
    --quota-backend-bytes=2147483648
}

start_apiserver() {
  start_process kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$PORT" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --api-audiences=https://kubernetes.default.svc.cluster.local \
    --authorization-mode=Node,RBAC --service-cluster-ip-range=10.96.0.0/16 --endpoint-reconciler-type=none \
    --allow-privileged=true \
    --audit-policy-file="$DIR/audit-policy.yaml" --audit-log-path="$LOGS/audit.log" --audit-log-maxbackup=1 \
    --cert-dir="$DIR/apiserver-certs" --profiling=false --v=0
}

# Every request, one JSON line each once answered (user, verb, resource, subresource, code): the benchmark counts
# the watcher's calls from it, and an operator can see who wrote what.
write_audit_policy() {
  cat >"$DIR/audit-policy.yaml" <<'POLICY'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived", "ResponseStarted"]
rules:
  - level: Metadata
POLICY
}

# Every controller but the two that act on nodes, which would delete or evict the pods tests create on nodes that
# have no kubelet (pod GC removes pods of unknown nodes after 40 s; node lifecycle evicts them from NotReady nodes).
# Its API budget is raised from 20/s (burst 30) to 200/s: at the default the PV binder, four writes a claim, binds
# the benchmark's claims at about 5/s.
start_controller_manager() {
  start_process kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig="$DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$DIR/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port=0 \
    --use-service-account-credentials=true --service-account-private-key-file="$PKI/sa.key" \
    --root-ca-file="$PKI/ca.crt" --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --controllers='*,-pod-garbage-collector-controller,-node-lifecycle-controller' --leader-elect=false \
    --kube-api-qps=200 --kube-api-burst=400 --cert-dir="$DIR/controller-manager-certs" --profiling=false --v=0
}

do_start() {
  if ready; then
    log "kube minicluster already running at $SERVER ($DIR)"
    return 0
  fi
  programs
  do_stop_processes
  rm -rf "$DIR"
  mkdir -p "$PIDS" "$LOGS"
  local t0
  t0=$(now)
  make_pki
  write_audit_policy
  kubeconfig_file "$ADMIN_KUBECONFIG" default "client-certificate: $PKI/admin.crt" "client-key: $PKI/admin.key"
  kubeconfig_file "$DIR/controller-manager.kubeconfig" kube-system "client-certificate: $PKI/controller-manager.crt" \
    "client-key: $PKI/controller-manager.key"
  start_etcd
  wait_for $((t0 + START_TIMEOUT)) "etcd" etcd_healthy
  start_apiserver
  wait_for $((t0 + START_TIMEOUT)) "kube-apiserver /readyz" ready
  start_controller_manager
  # The token controller of kube-controller-manager gives every namespace its default service account.
  wait_for $((t0 + START_TIMEOUT)) "the default service account" \
    "$BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" get serviceaccount default -n default
  log "kube minicluster $("$BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" version -o json 2>/dev/null \
    | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1) ready at $SERVER in $(($(now) - t0)) s"
}

do_stop_processes() {
  local name
  for name in kube-controller-manager kube-apiserver etcd; do stop_process "$name"; done
}

do_stop() {
  do_stop_processes
  rm -rf "$DIR" "$LOCK"
  log "kube minicluster stopped"
}

do_pause() {
  stop_process kube-apiserver
  stop_process etcd
  log "kube-apiserver and etcd stopped (data kept in $DIR/etcd)"
}

do_resume() {
  programs
  local t0
  t0=$(now)
  process_pid etcd >/dev/null || start_etcd
  wait_for $((t0 + START_TIMEOUT)) "etcd" etcd_healthy
  process_pid kube-apiserver >/dev/null || start_apiserver
  wait_for $((t0 + START_TIMEOUT)) "kube-apiserver /readyz" ready
  # /readyz answers before the RBAC authorizer's cache is filled; until then every service account gets 403.
  wait_for $((t0 + START_TIMEOUT)) "RBAC" rbac_ready
  log "kube-apiserver answers again after $(($(now) - t0)) s"
}

# check_names <namespace> <service-account>: refuses anything but Kubernetes names (they end up in a file name).
check_names() {
  [[ "$1" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ && "$2" =~ ^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$ ]] \
    || fail "not a namespace and service account name: $1 $2"
}

kubectl_admin() {
  programs
  "$BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" "$@"
}

with_lock() {
  # Serializes start/stop of the same directory (two test JVMs, say).
  exec 9>"$LOCK"
  flock -w 600 9 || fail "could not lock $LOCK"
  "$@"
}

case "${1:-}" in
  start) with_lock do_start ;;
  stop) with_lock do_stop ;;
  status)
    if ready; then
      echo ready
    else
      echo "kube minicluster in $DIR is not running or not ready" >&2
      exit 1
    fi
    ;;
  built)
    # exit 0 when the programs are cached (start needs no build), without building them
    BIN_DIR="$(PVC_RESIZER_KUBE_CHECK_ONLY=1 "$HERE/kube/build.sh" 2>/dev/null)" || exit 1
    ;;
  env)
    programs
    echo "KUBECONFIG=$ADMIN_KUBECONFIG"
    echo "KUBE_MINICLUSTER_BIN=$BIN"
    ;;
  kubeconfig)
    if [ $# -eq 1 ]; then
      echo "$ADMIN_KUBECONFIG"
    elif [ $# -eq 3 ]; then
      check_names "$2" "$3"
      token=$(kubectl_admin create token "$3" -n "$2" --duration=24h)
      mkdir -p "$DIR/serviceaccounts"
      kubeconfig_file "$DIR/serviceaccounts/$2.$3.kubeconfig" "$2" "token: $token"
      echo "$DIR/serviceaccounts/$2.$3.kubeconfig"
    else
      fail "usage: $0 kubeconfig [<namespace> <service-account>]"
    fi
    ;;
  token)
    [ $# -eq 3 ] || fail "usage: $0 token <namespace> <service-account>"
    check_names "$2" "$3"
    kubectl_admin create token "$3" -n "$2" --duration=24h
    ;;
  pause) with_lock do_pause ;;
  resume) with_lock do_resume ;;
  *)
    echo "usage: $0 start|stop|status|env|kubeconfig [ns sa]|token ns sa|pause|resume" >&2
    exit 2
    ;;
esac
