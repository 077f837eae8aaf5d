#!/usr/bin/env bash
# A private Docker engine for Nebula's container runtime, its tests and CI.
#
# Usage: scripts/dockerd.sh start [--bridge]|stop|status|env
#   start   install Debian's docker.io if dockerd is missing, start a private dockerd
#           (no bridge, no iptables, its own data and exec roots) and wait until it
#           answers; prints the `export DOCKER_HOST=...` line to use. Does nothing when
#           it is already running with the same network set-up.
#           --bridge: give the engine a bridge of its own (nb-<hash of the dir>, a /24 under
#           10.213.0.0/16, no iptables) so containers can use the default `bridge` network,
#           as a stock Docker install does; the thesis's containers ran on it. Several
#           private engines on one machine each get their own bridge.
#   stop    SIGTERM and wait until the daemon and its containerd are gone.
#   status  exit 0 and say so when the engine answers, else exit 1.
#   env     print the `export DOCKER_HOST=...` line.
#
# Everything lives under NEBULA_DOCKER_DIR (default /var/lib/nebula-docker): docker.sock,
# dockerd.pid, dockerd.log, data/, exec/. Needs root (dockerd does). The directory is the
# engine's and root's alone: created with mode 700, and refused when it is a symbolic link,
# belongs to another user or can be written by others (someone could have made it first
# and planted a pidfile or a socket there).
set -euo pipefail

DIR="${NEBULA_DOCKER_DIR:-/var/lib/nebula-docker}"
SOCK="$DIR/docker.sock"
PIDFILE="$DIR/dockerd.pid"
LOG="$DIR/dockerd.log"
HOST="unix://$SOCK"
BRIDGE_MARK="$DIR/bridge"
# A name of at most 15 characters and a subnet, both from the directory, so two engines differ.
HASH="$(printf '%s' "$DIR" | sha256sum | cut -c1-8)"
BRIDGE_NAME="nb-$HASH"
BRIDGE_NET="10.213.$((16#${HASH:0:2})).1/24"

say() { echo "dockerd.sh: $*" >&2; }

refuse() {
  say "refusing the state directory $DIR: $*"
  say "remove it (as root) or set NEBULA_DOCKER_DIR to a directory of your own"
  exit 1
}

# Checks an existing state directory; with "create", makes it first when it is missing.
secure_dir() {
  [ -L "$DIR" ] && refuse "it is a symbolic link"
  if [ ! -e "$DIR" ]; then
    [ "${1:-}" = create ] || return 0
    mkdir -p "$(dirname "$DIR")"
    # Fails if someone made it in the meantime; the checks below then judge theirs.
    mkdir -m 700 "$DIR" 2>/dev/null || true
  fi
  [ -L "$DIR" ] && refuse "it is a symbolic link"
  [ -d "$DIR" ] || refuse "it is not a directory"
  local owner mode
  owner="$(stat -c %u "$DIR")"
  mode="$(stat -c %a "$DIR")"
  [ "$owner" = "$(id -u)" ] || refuse "it belongs to uid $owner, not to uid $(id -u): someone else created it"
  (( (8#$mode & 8#022) == 0 )) || refuse "group or others can write to it (mode $mode)"
  chmod 700 "$DIR"
}

# A process that runs. A dockerd killed hard whose parent never reaps it (pid 1 in some
# containers does not) stays a zombie with its pid: that is gone all the same.
alive() {
  local pid="$1" state
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  state="$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)"
  [ "$state" != Z ]
}

pid_alive() {
  [ -f "$PIDFILE" ] || return 1
  alive "$(cat "$PIDFILE" 2>/dev/null || true)"
}

ping() {
  [ -S "$SOCK" ] || return 1
  if command -v curl >/dev/null 2>&1; then
    [ "$(curl -s --max-time 2 --unix-socket "$SOCK" http://localhost/_ping 2>/dev/null)" = "OK" ]
  else
    DOCKER_HOST="$HOST" docker version >/dev/null 2>&1
  fi
}

install_docker() {
  command -v dockerd >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || { say "dockerd is missing; run as root to install docker.io"; exit 1; }
  say "dockerd not found: installing Debian's docker.io (about 30 s)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends docker.io >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends docker.io >/dev/null; }
}

# A dockerd killed hard leaves its pidfile and socket; it refuses to start over them.
clear_stale() {
  if [ -f "$PIDFILE" ] && ! pid_alive; then
    say "removing stale pidfile $PIDFILE"
    rm -f "$PIDFILE"
  fi
  if ! pid_alive && [ -e "$SOCK" ]; then rm -f "$SOCK"; fi
  # It also leaves its mounts of the data root; a new dockerd would stack more on top.
  if ! pid_alive; then
    awk -v d="$DIR/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r \
      | while read -r mnt; do umount -l "$mnt" 2>/dev/null || true; done
  fi
  # containerd from a killed dockerd keeps its own pidfile under the exec root.
  local cpid="$DIR/exec/containerd/containerd.pid"
  if [ -f "$cpid" ] && ! alive "$(cat "$cpid" 2>/dev/null || echo 0)"; then
    rm -f "$cpid"
  fi
}

make_bridge() {
  if ! ip link show "$BRIDGE_NAME" >/dev/null 2>&1; then
    ip link add "$BRIDGE_NAME" type bridge
    ip addr add "$BRIDGE_NET" dev "$BRIDGE_NAME"
  fi
  ip link set "$BRIDGE_NAME" up
}

drop_bridge() {
  if ip link show "$BRIDGE_NAME" >/dev/null 2>&1; then ip link delete "$BRIDGE_NAME" || true; fi
  rm -f "$BRIDGE_MARK"
}

start() {
  local want_bridge=false
  [ "${1:-}" = "--bridge" ] && want_bridge=true
  if [ -n "${1:-}" ] && ! $want_bridge; then
    echo "usage: $0 start [--bridge]" >&2
    exit 2
  fi
  secure_dir create
  if pid_alive && ping; then
    local has_bridge=false
    [ -f "$BRIDGE_MARK" ] && has_bridge=true
    if [ "$has_bridge" != "$want_bridge" ]; then
      if $want_bridge; then
        say "running without a bridge; stop it first (scripts/dockerd.sh stop), then start --bridge"
      else
        say "running with bridge $BRIDGE_NAME (started with --bridge); that is kept"
      fi
    fi
    say "already running (pid $(cat "$PIDFILE"))"
    echo "export DOCKER_HOST=$HOST"
    $want_bridge && [ "$has_bridge" = false ] && exit 1
    return 0
  fi
  if pid_alive; then
    say "pid $(cat "$PIDFILE") exists but does not answer yet; waiting"
  else
    install_docker
    mkdir -p "$DIR/data" "$DIR/exec"
    clear_stale
    local bridge=none
    if $want_bridge; then
      make_bridge
      bridge="$BRIDGE_NAME"
      echo "$BRIDGE_NAME" >"$BRIDGE_MARK"
    else
      rm -f "$BRIDGE_MARK"
    fi
    # setsid: the daemon must outlive the shell that started it and not get its signals.
    setsid dockerd --host "$HOST" --data-root "$DIR/data" --exec-root "$DIR/exec" \
      --pidfile "$PIDFILE" --storage-driver overlay2 --iptables=false --bridge="$bridge" \
      >"$LOG" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 300); do
    if ping; then
      say "running (pid $(cat "$PIDFILE")), log $LOG"
      echo "export DOCKER_HOST=$HOST"
      return 0
    fi
    sleep 0.1
  done
  say "dockerd did not answer on $SOCK within 30 s; last lines of $LOG:"
  tail -n 20 "$LOG" >&2 || true
  exit 1
}

stop() {
  secure_dir
  if ! pid_alive; then
    clear_stale
    drop_bridge
    say "not running"
    return 0
  fi
  local pid
  pid="$(cat "$PIDFILE")"
  kill -TERM "$pid"
  for _ in $(seq 1 300); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    say "dockerd (pid $pid) ignored SIGTERM for 30 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1.5
  fi
  clear_stale
  drop_bridge
  say "stopped"
}

status() {
  secure_dir
  if pid_alive && ping; then
    local with=""
    [ -f "$BRIDGE_MARK" ] && with=", bridge $BRIDGE_NAME"
    say "running (pid $(cat "$PIDFILE")) at $HOST$with"
    return 0
  fi
  say "not running at $HOST"
  return 1
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop ;;
  status) status ;;
  env) echo "export DOCKER_HOST=$HOST" ;;
  *)
    echo "usage: $0 start [--bridge]|stop|status|env" >&2
    exit 2
    ;;
esac
