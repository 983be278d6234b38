#!/usr/bin/env bash
# pvc-resizer in containers (docs/containers.md):
#   scripts/containers.sh bases    the base images and the Kafka image from Debian packages (cached); podman set up
#   scripts/containers.sh images   base images from Debian packages (cached), service images with Jib, loaded
#   scripts/containers.sh up       the Kubernetes control plane (testenv/kube-minicluster.sh) started with the RBAC of
#                                  deploy/, the watcher's kubeconfig written, docker-compose.yml started; waits until
#                                  every service is ready
#   scripts/containers.sh demo     one PVC resized end to end against the running stack (root: loop device, mount)
#   scripts/containers.sh down     the stack stopped and removed, the demo directory unmounted
#   scripts/containers.sh ci       all of the above in turn, the stack torn down even when a step fails
# With Docker (docker compose / docker-compose) where it runs; otherwise with podman, whose Docker API socket
# scripts/images/podman-setup.sh starts. PVC_RESIZER_DEMO_DIR (default /var/lib/pvc-resizer-demo) is the directory
# shared by the demo and the containers.
set -euo pipefail
cd "$(dirname "$0")/.."

demo_dir="${PVC_RESIZER_DEMO_DIR:-/var/lib/pvc-resizer-demo}"
export PVC_RESIZER_DEMO_DIR="$demo_dir"
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-pvc-resizer}"
version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)"
export PVC_RESIZER_VERSION="${PVC_RESIZER_VERSION:-$version}"
image_cache="${PVC_RESIZER_IMAGE_CACHE:-/var/cache/pvc-resizer/images}"

engine() {
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    echo docker
  else
    echo podman
  fi
}

compose() {
  if [ "$(engine)" = docker ] && docker compose version >/dev/null 2>&1; then
    docker compose "$@"
  else
    if [ "$(engine)" = podman ]; then
      export DOCKER_HOST="${DOCKER_HOST:-unix:///run/podman/podman.sock}"
    fi
    docker-compose "$@"
  fi
}

load_image() {
  if [ "$(engine)" = docker ]; then docker load -i "$1"; else podman load -i "$1"; fi
}

bases() {
  # The base images are made with podman (podman import) in either case; Docker then loads their archives.
  if [ "$(engine)" = podman ] || ! command -v podman >/dev/null 2>&1; then
    scripts/images/podman-setup.sh >/dev/null
  fi
  scripts/images/build-base-images.sh
  if [ "$(engine)" = docker ]; then
    for name in jre resize-base fs-base kafka; do
      docker load -i "$image_cache/$name.tar" >/dev/null
    done
  fi
}

images() {
  local start=$SECONDS
  bases
  echo "== service images (Jib onto the local bases)"
  mvn -B -q -ntp -DskipTests -Plocal-base -Dpvc-resizer.image.cache="$image_cache" \
      -Dpvc-resizer.source-revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
      install com.google.cloud.tools:jib-maven-plugin:buildTar
  for module in watcher-service resize-service fs-service tools/dead-letters; do
    load_image "$module/target/jib-image.tar" >/dev/null
  done
  echo "== images ready in $((SECONDS - start)) s"
}

# The control plane the stack's watcher talks to, and a kubeconfig of the watcher's own service account for it.
control_plane() {
  testenv/kube-minicluster.sh start
  local kubectl
  kubectl="$(testenv/kube-minicluster.sh env | sed -n 's/^KUBE_MINICLUSTER_BIN=//p')/kubectl"
  "$kubectl" --kubeconfig "$(testenv/kube-minicluster.sh kubeconfig)" apply --server-side -f deploy/base/namespace.yaml \
    -f deploy/base/watcher-rbac.yaml >/dev/null
  export PVC_RESIZER_WATCHER_KUBECONFIG="$demo_dir/watcher.kubeconfig"
  install -m 0400 -o 10001 "$(testenv/kube-minicluster.sh kubeconfig pvc-resizer watcher-service)" \
    "$PVC_RESIZER_WATCHER_KUBECONFIG"
}

up() {
  local start=$SECONDS
  control_plane
  compose up -d
  for port in 8080 8081 8082; do
    local deadline=$((SECONDS + 180))
    until curl -fsS "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1; do
      if [ $SECONDS -ge $deadline ]; then
        echo "service on port $port not ready after 180 s; its readiness:" >&2
        curl -sS "http://127.0.0.1:$port/actuator/health/readiness" >&2 || true
        compose logs --tail=50 >&2 || true
        return 1
      fi
      sleep 2
    done
  done
  echo "== stack up and ready in $((SECONDS - start)) s"
}

demo() {
  KUBECONFIG="$(testenv/kube-minicluster.sh kubeconfig)" \
    mvn -B -q -ntp -pl demo exec:java -Dexec.mainClass=io.pvcresizer.demo.ComposeDemo
}

down() {
  export PVC_RESIZER_WATCHER_KUBECONFIG="$demo_dir/watcher.kubeconfig"
  compose down --timeout 20 || true
  rm -f "$PVC_RESIZER_WATCHER_KUBECONFIG"
  if findmnt -n "$demo_dir" >/dev/null 2>&1; then
    umount -l "$demo_dir" || true
  fi
}

prepare_dirs() {
  mkdir -p "$demo_dir/images" "$demo_dir/kubelet"
  # resize-service runs as uid 10001 and lengthens the image files.
  chown 10001 "$demo_dir/images"
  # fs-service sees the volumes the demo mounts later only if the directory is a shared mount before it starts.
  if ! findmnt -n "$demo_dir" >/dev/null; then
    mount --bind "$demo_dir" "$demo_dir"
  fi
  mount --make-rshared "$demo_dir"
}

case "${1:-}" in
  bases) bases ;;
  images) images ;;
  up) prepare_dirs; up ;;
  demo) demo ;;
  down) down ;;
  ci)
    start=$SECONDS
    images
    prepare_dirs
    trap down EXIT
    up
    demo
    echo "== containers: images, stack, demo in $((SECONDS - start)) s (version $version)"
    ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
