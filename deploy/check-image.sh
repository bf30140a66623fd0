#!/usr/bin/env bash
# Proves that an image tarball from deploy/build-images.sh runs, without Docker or any container runtime:
# unpacks its layers (manifest order, whiteouts applied) into deploy/target/check/<image>/rootfs and runs the
# image's own Entrypoint + Cmd, as its User, with its Env and WorkingDir, in a chroot inside private mount and
# PID namespaces (unshare), with /proc, /dev, /etc/hosts and /etc/resolv.conf provided as a runtime would and
# the host's network (like --network host). Then waits for the app's ops endpoint to answer GET /health with
# 200, prints GET /ready's status, stops the app with SIGTERM and reports how it exited.
#
# Usage: deploy/check-image.sh IMAGE_TAR OPS_PORT [NAME=value ...]
#   NAME=value pairs are added to the image's environment (the apps' EHRFLOW_* configuration).
#   CHECK_TIMEOUT (seconds, default 90) bounds the wait for /health; CHECK_EXPECT_READY=1 also requires /ready
#   to answer 200 (needs the app's broker/database to be reachable).
# Example (no broker: healthy, not ready):
#   deploy/check-image.sh ops/target/jib-image.tar 9405 EHRFLOW_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1 \
#     EHRFLOW_OPS_OPS_PORT=9405 EHRFLOW_OPS_STATUS_PORT=9406
# Needs root (chroot, unshare), python3 (reads the image config), curl. Not part of CI.
set -euo pipefail

[ $# -ge 2 ] || { sed -n '2,/^set -euo/p' "$0" | sed '$d' >&2; exit 2; }
TAR=$(readlink -f "$1")
PORT=$2
shift 2
[ "$(id -u)" -eq 0 ] || { echo "run as root (chroot and unshare need it)" >&2; exit 1; }
[ -f "$TAR" ] || { echo "no image tarball at $TAR" >&2; exit 1; }

if curl -s -o /dev/null "http://127.0.0.1:$PORT/health"; then
  echo "something already answers on port $PORT: the check would see it instead of the image" >&2
  exit 1
fi

HERE=$(cd "$(dirname "$0")" && pwd)
NAME=$(basename "$(dirname "$(dirname "$TAR")")")   # <module>/target/jib-image.tar -> <module>
WORK="$HERE/target/check/$NAME"
ROOTFS="$WORK/rootfs"
LOG="$WORK/app.log"
rm -rf --one-file-system "$WORK"
mkdir -p "$WORK/image" "$ROOTFS"
TAR_OPTS=(--warning=no-unknown-keyword)   # Jib writes LIBARCHIVE.creationtime headers
tar "${TAR_OPTS[@]}" -C "$WORK/image" -xf "$TAR"

# The image's layers and run configuration, one item per line: layers, then "--", then the run settings.
python3 - "$WORK/image" >"$WORK/plan" <<'EOF'
import json, sys, os
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))[0]
c = json.load(open(os.path.join(d, m["Config"])))["config"]
for layer in m["Layers"]:
    print(layer)
print("--")
print("USER=" + (c.get("User") or "0:0"))
print("WORKDIR=" + (c.get("WorkingDir") or "/"))
for e in c.get("Env") or []:
    print("ENV=" + e)
for a in (c.get("Entrypoint") or []) + (c.get("Cmd") or []):
    print("ARG=" + a)
EOF

ENVS=()
ARGS=()
USERSPEC=0:0
WORKDIR=/
in_layers=1
while IFS= read -r line; do
  if [ "$in_layers" = 1 ]; then
    if [ "$line" = "--" ]; then in_layers=0; continue; fi
    layer="$WORK/image/$line"
    # Whiteouts first: .wh..wh..opq empties its directory, .wh.NAME deletes NAME from the layers below.
    while IFS= read -r entry; do
      entry=${entry#./}
      base=$(basename "$entry")
      dir=$(dirname "$entry")
      if [ "$base" = ".wh..wh..opq" ]; then
        find "$ROOTFS/$dir" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
      else
        rm -rf "${ROOTFS:?}/$dir/${base#.wh.}"
      fi
    done < <(tar "${TAR_OPTS[@]}" -tf "$layer" | grep '\(^\|/\)\.wh\.' || true)
    tar "${TAR_OPTS[@]}" --numeric-owner --exclude='.wh.*' --exclude='./.wh.*' -C "$ROOTFS" -xf "$layer"
    continue
  fi
  case "$line" in
    USER=*) USERSPEC=${line#USER=} ;;
    WORKDIR=*) WORKDIR=${line#WORKDIR=} ;;
    ENV=*) ENVS+=("${line#ENV=}") ;;
    ARG=*) ARGS+=("${line#ARG=}") ;;
  esac
done <"$WORK/plan"
ENVS+=("$@")
case "$USERSPEC" in *:*) ;; *) USERSPEC="$USERSPEC:$USERSPEC" ;; esac
[ ${#ARGS[@]} -gt 0 ] || { echo "the image configures no Entrypoint/Cmd" >&2; exit 1; }
echo "== $NAME: rootfs $(du -sh "$ROOTFS" | cut -f1), user $USERSPEC, workdir $WORKDIR"
echo "== command: ${ARGS[*]}"

# Files a runtime provides; the mount points must exist in the image.
for f in etc/hosts etc/resolv.conf; do
  [ -e "$ROOTFS/$f" ] || : >"$ROOTFS/$f"
done
mkdir -p "$ROOTFS/proc" "$ROOTFS/dev" "$ROOTFS/tmp"
chmod 1777 "$ROOTFS/tmp"

# Inside the namespaces: mounts vanish when the app's PID namespace ends, nothing leaks onto the host.
# shellcheck disable=SC2016
unshare --mount --pid --fork --kill-child --propagation private -- bash -c '
  set -e
  R=$1; U=$2; W=$3; shift 3
  mount -t proc proc "$R/proc"
  mount --rbind /dev "$R/dev"
  mount --bind /etc/hosts "$R/etc/hosts"
  mount --bind /etc/resolv.conf "$R/etc/resolv.conf"
  env_count=$1; shift
  envs=("${@:1:$env_count}"); shift "$env_count"
  exec chroot --userspec="$U" "$R" /usr/bin/env -i "${envs[@]}" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$W" "$@"
' check "$ROOTFS" "$USERSPEC" "$WORKDIR" "${#ENVS[@]}" "${ENVS[@]}" "${ARGS[@]}" >"$LOG" 2>&1 &
PID=$!

# unshare's child execs through chroot and env into the app: PID 1 of the namespace, the one to signal.
app_pid() { pgrep -P "$PID" | head -1 || true; }
stop() {
  if kill -0 "$PID" 2>/dev/null; then
    local app
    app=$(app_pid)
    kill -TERM "${app:-$PID}" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$PID" 2>/dev/null || break; sleep 1; done
    if kill -0 "$PID" 2>/dev/null; then
      echo "app still running 30 s after SIGTERM: SIGKILL" >&2
      # --kill-child: the app dies with unshare.
      kill -KILL "$PID" 2>/dev/null || true
    fi
  fi
  wait "$PID" 2>/dev/null
}

deadline=$((SECONDS + ${CHECK_TIMEOUT:-90}))
health=000
while [ $SECONDS -lt $deadline ] && kill -0 "$PID" 2>/dev/null; do
  health=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health" || true)
  [ "$health" = 200 ] && break
  sleep 1
done
ready=000
if [ "$health" = 200 ]; then
  want_ready=${CHECK_EXPECT_READY:-0}
  for _ in $(seq 1 "$([ "$want_ready" = 1 ] && echo 60 || echo 5)"); do
    ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/ready" || true)
    [ "$ready" = 200 ] && break
    sleep 1
  done
fi
APP=$(app_pid)
running_as=""
if [ -n "$APP" ]; then running_as=$(ps -o user=,comm= -p "$APP" || true); fi
set +e
stop_started=$SECONDS
stop
code=$?
stop_s=$((SECONDS - stop_started))
set -e
echo "== log tail ($LOG)"
tail -n 15 "$LOG"
echo "== /health $health, /ready $ready, app ran as (user, command): ${running_as:-?}, exit status $code after SIGTERM (143 = clean stop) in ${stop_s} s"
if [ "$health" != 200 ]; then
  echo "FAILED: /health did not answer 200 within ${CHECK_TIMEOUT:-90} s" >&2
  exit 1
fi
if [ "${CHECK_EXPECT_READY:-0}" = 1 ] && [ "$ready" != 200 ]; then
  echo "FAILED: /ready did not answer 200" >&2
  exit 1
fi
echo "OK: $NAME image runs"
