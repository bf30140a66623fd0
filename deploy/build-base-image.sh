#!/usr/bin/env bash
# Builds the apps' base image (Debian 12 minbase + openjdk-17-jre-headless) from Debian's package mirror alone,
# without a Docker daemon or any container registry, as a docker-save tarball that Jib accepts as a base:
#   deploy/target/ehrflow-jre17-base.tar   (manifest.json + config + one uncompressed layer; image name
#                                           ehrflow/jre17-base:bookworm)
# deploy/build-images.sh picks it up when present. Needs root and debootstrap (apt-get install debootstrap).
#
# Mirrors: the ones apt on this machine uses (/etc/apt/sources.list.d/debian.sources), else deb.debian.org;
# override with EHRFLOW_DEBIAN_MIRROR / EHRFLOW_DEBIAN_SECURITY_MIRROR. Packages are signature-checked against
# the host's debian-archive-keyring. The rootfs and tarball stay under deploy/target/ (gitignored).
# Usage: deploy/build-base-image.sh   (takes a few minutes; rebuild to pick up Debian security updates)
#        deploy/build-base-image.sh --ocr   the same plus Tesseract (tesseract-ocr, tesseract-ocr-eng), as
#                                           deploy/target/ehrflow-jre17-ocr-base.tar: the base of the OCR lane's
#                                           image (build-images.sh document-ocr); other apps keep the small base
set -euo pipefail
cd "$(dirname "$0")"

SUITE=bookworm
OUT=target
PACKAGES=openjdk-17-jre-headless
ROOTFS="$OUT/base-rootfs"
TAR="$OUT/ehrflow-jre17-base.tar"
IMAGE_NAME="ehrflow/jre17-base:$SUITE"
if [ "${1:-}" = "--ocr" ]; then
  PACKAGES="$PACKAGES,tesseract-ocr,tesseract-ocr-eng"
  ROOTFS="$OUT/ocr-base-rootfs"
  TAR="$OUT/ehrflow-jre17-ocr-base.tar"
  IMAGE_NAME="ehrflow/jre17-ocr-base:$SUITE"
fi
APP_UID=10001   # the apps run as this unprivileged user (jib.container.user in build-images.sh)

[ "$(id -u)" -eq 0 ] || { echo "run as root (debootstrap and chroot need it)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "debootstrap missing: apt-get install -y debootstrap" >&2; exit 1; }

# The mirror apt already uses here: first URIs of the deb822 sources naming the suite, else the classic list.
apt_uri() {  # $1 = suite to look for, $2 = fallback
  local uri=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk -v s="$1" '/^URIs:/{u=$2} /^Suites:/{for(i=2;i<=NF;i++) if($i==s){print u; exit}}' \
      /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk -v s="$1" '$1=="deb" && $3==s {print $2; exit}' /etc/apt/sources.list)
  fi
  echo "${uri:-$2}"
}
MIRROR="${EHRFLOW_DEBIAN_MIRROR:-$(apt_uri "$SUITE" http://deb.debian.org/debian)}"
SECURITY="${EHRFLOW_DEBIAN_SECURITY_MIRROR:-$(apt_uri "$SUITE-security" http://deb.debian.org/debian-security)}"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

mkdir -p "$OUT"
# A run killed mid-way may have left /proc mounted in the rootfs: never delete through it.
umount "$ROOTFS/proc" 2>/dev/null || true
rm -rf --one-file-system "$ROOTFS" "$OUT/base-image"
echo "== debootstrap $SUITE (minbase + $PACKAGES) from $MIRROR"
debootstrap --variant=minbase --keyring="$KEYRING" --include="$PACKAGES" \
  "$SUITE" "$ROOTFS" "$MIRROR"

# In-chroot steps need /proc (the JRE's postinst runs keytool); unmounted again on any exit.
cleanup() { umount "$ROOTFS/proc" 2>/dev/null || true; }
trap cleanup EXIT
mount -t proc proc "$ROOTFS/proc"

echo "== security updates from $SECURITY, unprivileged user, cleanup"
cat >"$ROOTFS/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY $SUITE-security main
EOF
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive sh -euc "
  apt-get update -qq
  apt-get -y -qq -o Dpkg::Options::=--force-confold upgrade
  apt-get clean
  groupadd --gid $APP_UID ehrflow
  useradd --uid $APP_UID --gid $APP_UID --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ehrflow
  # State directories the compose file mounts volumes on: a fresh named volume copies this ownership.
  install -d -o $APP_UID -g $APP_UID /var/lib/ehrflow /var/lib/ehrflow/state
"
JAVA_VERSION=$(chroot "$ROOTFS" java -version 2>&1 | head -1)
cleanup
trap - EXIT
# Nothing the JRE needs: package lists, docs (the copyright files stay), man pages, translations, caches, logs,
# device nodes (a runtime provides /dev), the host's resolver.
rm -rf "${ROOTFS:?}"/var/lib/apt/lists/* "${ROOTFS:?}"/var/cache/apt/*.bin "${ROOTFS:?}"/var/cache/debconf/*-old \
  "${ROOTFS:?}"/usr/share/man/* "${ROOTFS:?}"/usr/share/info/* \
  "${ROOTFS:?}"/usr/share/locale/* "${ROOTFS:?}"/var/log/*.log "${ROOTFS:?}"/var/log/apt/* "${ROOTFS:?}"/tmp/* \
  "${ROOTFS:?}"/dev/* "${ROOTFS:?}"/run/*
find "$ROOTFS/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
find "$ROOTFS/usr/share/doc" -mindepth 1 -type d -empty -delete
: >"$ROOTFS/etc/resolv.conf"

JAVA_HOME=$(dirname "$(dirname "$(chroot "$ROOTFS" readlink -f /usr/bin/java)")")
echo "== $JAVA_VERSION at $JAVA_HOME, rootfs $(du -sh "$ROOTFS" | cut -f1)"

# docker-save layout: one uncompressed layer, its diff id in the config, manifest.json naming both.
IMG="$OUT/base-image"
mkdir -p "$IMG"
SOURCE_DATE_EPOCH=$(date +%s)
tar --numeric-owner --xattrs --sort=name --mtime="@$SOURCE_DATE_EPOCH" -C "$ROOTFS" -cf "$IMG/layer.tar" .
DIFF_ID=$(sha256sum "$IMG/layer.tar" | cut -d' ' -f1)
CREATED=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
cat >"$IMG/config.json" <<EOF
{"architecture":"$(dpkg --print-architecture)","os":"linux","created":"$CREATED",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","LANG=C.UTF-8",
   "JAVA_HOME=$JAVA_HOME"],"User":"$APP_UID:$APP_UID","WorkingDir":"/"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$DIFF_ID"]},
 "history":[{"created":"$CREATED","created_by":"deploy/build-base-image.sh: debootstrap $SUITE minbase + $PACKAGES"}]}
EOF
CONFIG_ID=$(sha256sum "$IMG/config.json" | cut -d' ' -f1)
mv "$IMG/config.json" "$IMG/$CONFIG_ID.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer.tar"]}]\n' "$CONFIG_ID" "$IMAGE_NAME" \
  >"$IMG/manifest.json"
tar -C "$IMG" -cf "$TAR" manifest.json "$CONFIG_ID.json" layer.tar
rm -rf "$IMG"
ls -l "$TAR"
echo "base image $IMAGE_NAME (config sha256:$CONFIG_ID); build-images.sh now uses it"
