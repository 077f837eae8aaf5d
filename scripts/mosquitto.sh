#!/usr/bin/env bash
# A private MQTT broker (Debian mosquitto) on loopback, for Nebula's power tests and for
# trying `nebula plug-sim` without a plug.
#
# Usage: scripts/mosquitto.sh install|start PORT|stop PORT|status PORT
#   install     install Debian's mosquitto and mosquitto-clients if missing (needs root).
#   start PORT  run /usr/sbin/mosquitto on 127.0.0.1:PORT with a two-line config in
#               $NEBULA_MOSQUITTO_DIR/PORT (default /tmp/nebula-mosquitto/PORT), wait until
#               it accepts connections, print its pid on stdout.
#   stop PORT   SIGTERM the broker of that port, wait until it is gone, remove its directory.
#   status PORT exit 0 when the broker of that port is running.
set -euo pipefail

ROOT="${NEBULA_MOSQUITTO_DIR:-/tmp/nebula-mosquitto}"
MOSQUITTO=/usr/sbin/mosquitto

say() { echo "mosquitto.sh: $*" >&2; }

install_mosquitto() {
  if [ -x "$MOSQUITTO" ] && command -v mosquitto_pub >/dev/null 2>&1; then return 0; fi
  [ "$(id -u)" = 0 ] || { say "mosquitto is missing; run as root to install it"; exit 1; }
  say "installing Debian's mosquitto and mosquitto-clients"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends mosquitto mosquitto-clients >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends mosquitto mosquitto-clients >/dev/null; }
}

check_port() {
  [[ "${1:-}" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ] \
    || { say "PORT must be a number from 1 to 65535, got '${1:-}'"; exit 2; }
}

pid_of() {
  local pidfile="$ROOT/$1/mosquitto.pid"
  [ -f "$pidfile" ] || return 1
  local pid
  pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  check_port "${1:-}"
  local port="$1" dir="$ROOT/$1"
  if pid="$(pid_of "$port")"; then
    say "already running on port $port"
    echo "$pid"
    return 0
  fi
  if listening "$port"; then say "port $port is taken by another program"; exit 1; fi
  install_mosquitto
  mkdir -p "$dir"
  printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" >"$dir/mosquitto.conf"
  # setsid: the broker outlives this shell and does not get its signals.
  setsid "$MOSQUITTO" -c "$dir/mosquitto.conf" >"$dir/mosquitto.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$dir/mosquitto.pid"
  for _ in $(seq 1 100); do
    if listening "$port"; then
      echo "$pid"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  say "mosquitto did not listen on 127.0.0.1:$port; its log:"
  cat "$dir/mosquitto.log" >&2 || true
  kill "$pid" 2>/dev/null || true
  exit 1
}

stop() {
  check_port "${1:-}"
  local port="$1" pid
  if pid="$(pid_of "$port")"; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "${ROOT:?}/$port"
}

status() {
  check_port "${1:-}"
  if pid="$(pid_of "$1")"; then say "running on 127.0.0.1:$1 (pid $pid)"; return 0; fi
  say "not running on port $1"
  return 1
}

case "${1:-}" in
  install) install_mosquitto ;;
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  status) status "${2:-}" ;;
  *)
    echo "usage: $0 install|start PORT|stop PORT|status PORT" >&2
    exit 2
    ;;
esac
