#!/usr/bin/env bash
# Builds pvc-resizer's container base images from Debian packages only (debootstrap + podman import), for
# machines that can reach a Debian mirror and Maven Central but no container registry:
#
#   localhost/pvc-resizer/jre:17          Debian bookworm minbase + openjdk-17-jre-headless, user pvc-resizer (10001)
#   localhost/pvc-resizer/resize-base:17  jre:17 + ceph-common (rbd, ceph)
#   localhost/pvc-resizer/fs-base:17      jre:17 + filesystem and mount tools (xfs_growfs, resize2fs, btrfs, ceph-fuse, rbd-fuse)
#   localhost/pvc-resizer/kafka:4.1.2     jre:17 + Kafka 4.1.2 from Maven Central, an apache/kafka-like entrypoint
#
# Each image is keyed by the hash of its recipe (the stage's code, its package list, its files and the
# parent's hash) and kept as a docker-archive in the cache:
#   $PVC_RESIZER_IMAGE_CACHE/<name>-<hash>.tar, and <name>.tar -> that file (for Jib: tar://<cache>/jre.tar)
# An image whose recipe hash is already in podman is kept; one whose archive is cached is loaded; only the
# rest are built. Run as root (debootstrap, chroot); scripts/images/podman-setup.sh installs what it needs.
#
# Usage: build-base-images.sh [jre|resize-base|fs-base|kafka ...]   (default: all four; parents come along)
# Env:   PVC_RESIZER_IMAGE_CACHE   archive cache (default /var/cache/pvc-resizer/images)
#        PVC_RESIZER_DEBIAN_MIRROR Debian mirror (default: the host's bookworm source, else http://deb.debian.org/debian)
#        PVC_RESIZER_DEBIAN_SECURITY_MIRROR  (default: the host's bookworm-security source, else
#                                  http://deb.debian.org/debian-security)
#        PVC_RESIZER_FORCE_REBUILD=1  build even when podman or the cache has the recipe
#        PVC_RESIZER_MVN_LOCK      a file to flock around the Maven call (for machines shared with other builds)
#        MVN                       the Maven command (default mvn)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${PVC_RESIZER_IMAGE_CACHE:-/var/cache/pvc-resizer/images}"
SUITE=bookworm
ARCH="$(dpkg --print-architecture)"
LABEL_KEY=io.pvcresizer.recipe
APP_UID=10001
START_ALL=$SECONDS

log() { printf '[images %4ss] %s\n' "$((SECONDS - START_ALL))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and chroot need it)"
for cmd in podman debootstrap sha256sum chroot tar; do
  command -v "$cmd" >/dev/null 2>&1 || die "$cmd is missing; run scripts/images/podman-setup.sh first"
done

# --- Debian mirrors -------------------------------------------------------------------------------
# apt_source_uri SUITE: the first URI that the host's apt sources (one-line .list or deb822 .sources) give
# for SUITE, or nothing.
apt_source_uri() {
  local suite="$1" f
  local files=()
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  [ "${#files[@]}" -gt 0 ] || return 0
  for f in "${files[@]}"; do
    case "$f" in
      *.sources)
        awk -v suite="$suite" '
          function flush() {
            if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "") { split(uris, u, " "); print u[1]; exit }
            types = ""; suites = ""; uris = ""
          }
          /^[[:space:]]*#/ { next }
          /^[[:space:]]*$/ { flush(); next }
          /^Types:/  { sub(/^Types:[[:space:]]*/, "");  types = $0 }
          /^URIs:/   { sub(/^URIs:[[:space:]]*/, "");   uris = $0 }
          /^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
          END { flush() }' "$f"
        ;;
      *)
        awk -v suite="$suite" '
          $1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                        if ($(i + 1) == suite) { print $i; exit } }' "$f"
        ;;
    esac
  done | head -n 1
}
MIRROR="${PVC_RESIZER_DEBIAN_MIRROR:-$(apt_source_uri "$SUITE")}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${PVC_RESIZER_DEBIAN_SECURITY_MIRROR:-$(apt_source_uri "$SUITE-security")}"
SECURITY_MIRROR="${SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

# --- work area ------------------------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/pvc-resizer-images.XXXXXX")"
cleanup() {
  local m
  # unmount anything still mounted inside the work area (a chroot's /proc) before deleting it
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/self/mounts | sort -r)
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

# quietly CMD...: runs CMD with its output in a log that is shown only when it fails.
quietly() {
  local out="$WORK/step.log"
  if ! "$@" >"$out" 2>&1; then
    tail -n 40 "$out" >&2
    die "failed: $*"
  fi
}

# --- helpers shared by the stages (their text is part of every recipe hash) -----------------------
# In-rootfs configuration: no docs, man pages or locales from later installs (copyright files stay),
# no recommended packages, and bookworm + updates + security as sources.
configure_rootfs_apt() {
  local r="$1"
  cat >"$r/etc/dpkg/dpkg.cfg.d/01-pvc-resizer-slim" <<'CFG'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-exclude=/usr/share/lintian/*
CFG
  cat >"$r/etc/apt/apt.conf.d/01-pvc-resizer" <<'CFG'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
CFG
  printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
    "$MIRROR" "$SUITE" "$MIRROR" "$SUITE" "$SECURITY_MIRROR" "$SUITE" >"$r/etc/apt/sources.list"
}

# chroot_begin/chroot_end: what apt and maintainer scripts need inside the rootfs (proc, DNS, no daemons).
chroot_begin() {
  local r="$1"
  mount -t proc proc "$r/proc"
  rm -f "$r/etc/resolv.conf"
  cp /etc/resolv.conf "$r/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
  chmod 0755 "$r/usr/sbin/policy-rc.d"
}
chroot_end() {
  local r="$1"
  umount "$r/proc"
  rm -f "$r/usr/sbin/policy-rc.d"
}
in_chroot() {
  local r="$1"
  shift
  chroot "$r" /usr/bin/env -i PATH="$SYSTEM_PATH" \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
apt_install() {
  local r="$1"
  shift
  quietly in_chroot "$r" apt-get update
  quietly in_chroot "$r" apt-get install -y -o Dpkg::Use-Pty=0 "$@"
  in_chroot "$r" apt-get clean
}

# Remove what a runtime image does not need.
trim_rootfs() {
  local r="$1"
  find "$r/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  find "$r/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$r"/usr/share/man/* "$r"/usr/share/info/* "$r"/usr/share/locale/* \
    "$r"/usr/share/lintian "$r"/usr/share/linda \
    "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin "$r"/var/cache/apt/archives/*.deb \
    "$r"/var/cache/debconf/*-old "$r"/var/lib/dpkg/*-old "$r"/var/cache/ldconfig/aux-cache \
    "$r"/tmp/* "$r"/var/tmp/* "$r"/root/.cache "$r/run/.containerenv"
  find "$r/var/log" -type f -delete
  # the engine provides these at run time; the build host's must not end up in the image
  : >"$r/etc/resolv.conf"
  : >"$r/etc/hostname"
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$r/etc/hosts"
}

# rootfs_from_image IMAGE DIR: the file system of an image (a derived stage starts from its parent's).
rootfs_from_image() {
  local image="$1" r="$2" cid
  mkdir -p "$r"
  cid="$(podman create --pull=never "$image" /bin/true)"
  podman export "$cid" | tar -C "$r" --numeric-owner -xpf -
  podman rm "$cid" >/dev/null
}

# import_rootfs DIR IMAGE HASH PATH [--change ...]: one layer from DIR, with PATH, the JRE environment
# and the recipe label.
import_rootfs() {
  local r="$1" image="$2" hash="$3" path="$4"
  shift 4
  tar -C "$r" --numeric-owner -cf - . | podman import --quiet \
    --change "ENV PATH=$path" \
    --change "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-$ARCH" \
    --change "ENV LANG=C.UTF-8" \
    --change "LABEL $LABEL_KEY=$hash" \
    "$@" - "$image" >/dev/null
}

# --- stages ---------------------------------------------------------------------------------------
JRE_PACKAGES="openjdk-17-jre-headless ca-certificates"
RESIZE_PACKAGES="ceph-common"
FS_PACKAGES="xfsprogs e2fsprogs util-linux btrfs-progs ceph-fuse rbd-fuse mount"
KAFKA_VERSION=4.1.2
SYSTEM_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

stage_jre() {
  local image="$1" hash="$2" r="$WORK/jre"
  local include
  include="$(tr ' ' ',' <<<"$JRE_PACKAGES")"
  log "jre: debootstrap --variant=minbase $SUITE ($MIRROR) with $include"
  quietly debootstrap --variant=minbase --arch="$ARCH" --components=main --include="$include" \
    "$SUITE" "$r" "$MIRROR"
  configure_rootfs_apt "$r"
  chroot_begin "$r"
  log "jre: apt-get upgrade from $SUITE-updates and $SUITE-security"
  quietly in_chroot "$r" apt-get update
  quietly in_chroot "$r" apt-get -y -o Dpkg::Use-Pty=0 upgrade
  in_chroot "$r" apt-get clean
  in_chroot "$r" groupadd --gid "$APP_UID" pvc-resizer
  in_chroot "$r" useradd --uid "$APP_UID" --gid "$APP_UID" --create-home --home-dir /home/pvc-resizer \
    --shell /usr/sbin/nologin pvc-resizer
  in_chroot "$r" java -version 2>&1 | sed -n '2s/^/    /p' >&2
  chroot_end "$r"
  trim_rootfs "$r"
  import_rootfs "$r" "$image" "$hash" "$SYSTEM_PATH" --change 'CMD ["/bin/bash"]'
}

stage_resize_base() {
  local image="$1" hash="$2" parent="$3" r="$WORK/resize-base" pkgs
  read -r -a pkgs <<<"$RESIZE_PACKAGES"
  rootfs_from_image "$parent" "$r"
  chroot_begin "$r"
  log "resize-base: apt-get install ${pkgs[*]}"
  apt_install "$r" "${pkgs[@]}"
  in_chroot "$r" rbd --version | sed 's/^/    /' >&2
  chroot_end "$r"
  trim_rootfs "$r"
  import_rootfs "$r" "$image" "$hash" "$SYSTEM_PATH" --change 'CMD ["/bin/bash"]'
}

stage_fs_base() {
  local image="$1" hash="$2" parent="$3" r="$WORK/fs-base" pkgs
  read -r -a pkgs <<<"$FS_PACKAGES"
  rootfs_from_image "$parent" "$r"
  chroot_begin "$r"
  log "fs-base: apt-get install ${pkgs[*]}"
  apt_install "$r" "${pkgs[@]}"
  in_chroot "$r" xfs_growfs -V | sed 's/^/    /' >&2
  chroot_end "$r"
  trim_rootfs "$r"
  import_rootfs "$r" "$image" "$hash" "$SYSTEM_PATH" --change 'CMD ["/bin/bash"]'
}

stage_kafka() {
  local image="$1" hash="$2" parent="$3" r="$WORK/kafka" m2="$WORK/kafka-pom" script class
  command -v "${MVN:-mvn}" >/dev/null 2>&1 || die "Maven (${MVN:-mvn}) is needed for the Kafka jars: apt-get install maven"
  mkdir -p "$m2"
  cp "$HERE/kafka/pom.xml" "$m2/pom.xml"
  log "kafka: jars of Kafka $KAFKA_VERSION from Maven Central (mvn dependency:copy-dependencies)"
  local mvn_cmd=("${MVN:-mvn}" -q -B -f "$m2/pom.xml" dependency:copy-dependencies
    -DincludeScope=runtime "-DoutputDirectory=$m2/libs")
  if [ -n "${PVC_RESIZER_MVN_LOCK:-}" ]; then
    quietly flock "$PVC_RESIZER_MVN_LOCK" "${mvn_cmd[@]}"
  else
    quietly "${mvn_cmd[@]}"
  fi
  ls "$m2/libs/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null

  rootfs_from_image "$parent" "$r"
  install -d -m 0755 "$r/opt/kafka/libs" "$r/opt/kafka/bin" "$r/etc/kafka/docker"
  install -m 0644 "$m2"/libs/*.jar "$r/opt/kafka/libs/"
  install -m 0755 "$HERE/kafka/run" "$r/etc/kafka/docker/run"
  install -m 0755 "$HERE/kafka/kafka-run-class.sh" "$r/opt/kafka/bin/kafka-run-class.sh"
  while read -r script class; do
    case "$script" in '' | '#'*) continue ;; esac
    printf '#!/bin/sh\nexec /opt/kafka/bin/kafka-run-class.sh %s "$@"\n' "$class" >"$r/opt/kafka/bin/$script"
    chmod 0755 "$r/opt/kafka/bin/$script"
  done <"$HERE/kafka/tools.txt"
  install -d -m 0755 -o "$APP_UID" -g "$APP_UID" "$r/opt/kafka/config" "$r/var/lib/kafka/data" \
    "$r/mnt/shared/config"
  trim_rootfs "$r"
  import_rootfs "$r" "$image" "$hash" "/opt/kafka/bin:$SYSTEM_PATH" \
    --change "USER $APP_UID" \
    --change "WORKDIR /opt/kafka" \
    --change "EXPOSE 9092" \
    --change 'CMD ["/etc/kafka/docker/run"]'
}

# --- recipes, cache, build ------------------------------------------------------------------------
# name -> image, stage function, parent name, package list, extra files
declare -A IMAGE=([jre]=localhost/pvc-resizer/jre:17 [resize-base]=localhost/pvc-resizer/resize-base:17
                  [fs-base]=localhost/pvc-resizer/fs-base:17 [kafka]=localhost/pvc-resizer/kafka:$KAFKA_VERSION)
declare -A STAGE=([jre]=stage_jre [resize-base]=stage_resize_base [fs-base]=stage_fs_base [kafka]=stage_kafka)
declare -A PARENT=([jre]="" [resize-base]=jre [fs-base]=jre [kafka]=jre)
declare -A PACKAGES=([jre]="$JRE_PACKAGES" [resize-base]="$RESIZE_PACKAGES" [fs-base]="$FS_PACKAGES"
                     [kafka]="kafka $KAFKA_VERSION")
declare -A FILES=([jre]="" [resize-base]="" [fs-base]=""
                  [kafka]="kafka/pom.xml kafka/run kafka/kafka-run-class.sh kafka/tools.txt")
declare -A HASH=()
ORDER=(jre resize-base fs-base kafka)

recipe_hash() {
  local name="$1" parent="${PARENT[$1]}" f
  {
    echo "suite=$SUITE arch=$ARCH uid=$APP_UID image=${IMAGE[$name]} path=$SYSTEM_PATH"
    echo "packages=${PACKAGES[$name]}"
    echo "parent=${parent:+${HASH[$parent]}}"
    declare -f quietly configure_rootfs_apt chroot_begin chroot_end in_chroot apt_install trim_rootfs \
      rootfs_from_image import_rootfs "${STAGE[$name]}"
    for f in ${FILES[$name]}; do
      echo "file=$f"
      cat "$HERE/$f"
    done
  } | sha256sum | cut -c1-16
}

image_hash_in_podman() {
  podman image inspect --format "{{ index .Labels \"$LABEL_KEY\" }}" "$1" 2>/dev/null || true
}

ensure_image() {
  local name="$1" image="${IMAGE[$1]}" hash="${HASH[$1]}" t0=$SECONDS how
  local tar="$CACHE/$name-$hash.tar"
  if [ "${PVC_RESIZER_FORCE_REBUILD:-0}" != 1 ] && [ "$(image_hash_in_podman "$image")" = "$hash" ]; then
    how="present in podman"
  elif [ "${PVC_RESIZER_FORCE_REBUILD:-0}" != 1 ] && [ -s "$tar" ]; then
    podman load --quiet -i "$tar" >/dev/null
    [ "$(image_hash_in_podman "$image")" = "$hash" ] || die "$tar did not load as $image with $LABEL_KEY=$hash"
    how="loaded from $tar"
  else
    log "$name: building $image (recipe $hash)"
    "${STAGE[$name]}" "$image" "$hash" ${PARENT[$name]:+"${IMAGE[${PARENT[$name]}]}"}
    how="built"
    rm -f "$tar"
  fi
  if [ ! -s "$tar" ]; then
    rm -f "$tar.partial"
    podman save --quiet --format docker-archive -o "$tar.partial" "$image"
    mv "$tar.partial" "$tar"
    how="$how, saved to $tar"
  fi
  # <name>.tar always names the current archive; archives of older recipes go
  if [ "$(readlink "$CACHE/$name.tar" 2>/dev/null || true)" != "$name-$hash.tar" ]; then
    ln -sfn "$name-$hash.tar" "$CACHE/.$name.tar.new"
    mv -T "$CACHE/.$name.tar.new" "$CACHE/$name.tar"
  fi
  find "$CACHE" -maxdepth 1 -name "$name-*.tar" ! -name "$name-$hash.tar" -print -delete \
    | sed 's/^/    removed stale /' >&2
  log "$name: $image $how in $((SECONDS - t0)) s"
  TIMINGS+=("$(printf '%-12s %4s s  %s' "$name" "$((SECONDS - t0))" "$how")")
}

# which images: the named ones and their parents, in build order
declare -A want=()
if [ $# -eq 0 ]; then set -- "${ORDER[@]}"; fi
for n in "$@"; do
  [ -n "${STAGE[$n]:-}" ] || die "unknown image '$n' (known: ${ORDER[*]})"
  want[$n]=1
  [ -z "${PARENT[$n]}" ] || want[${PARENT[$n]}]=1
done

mkdir -p "$CACHE"
# one build at a time per cache
exec 9>"$CACHE/.lock"
flock 9
log "Debian $SUITE/$ARCH from $MIRROR (security: $SECURITY_MIRROR); cache $CACHE"
TIMINGS=()
for n in "${ORDER[@]}"; do
  HASH[$n]="$(recipe_hash "$n")"
  [ -n "${want[$n]:-}" ] || continue
  ensure_image "$n"
done

log "done in $((SECONDS - START_ALL)) s"
printf '%s\n' "${TIMINGS[@]}" >&2
podman images --filter reference='localhost/pvc-resizer/*' >&2
