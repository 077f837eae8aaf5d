#!/usr/bin/env bash
# The whole check on a fresh machine: install, start a private Docker engine, lint, test.
# Mosquitto brokers are started by the tests themselves (scripts/mosquitto.sh).
#   --ci   also rebuild every function and the watchdog for x86_64 and aarch64 and compare with
#          the committed bytes, run the suite on every supported Node line
#          (scripts/node-versions.sh), and the emulated Raspberry Pi (scripts/emulated-pi.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

ci=false
[ "${1:-}" = "--ci" ] && ci=true

if $ci; then bash scripts/setup.sh --with-rust --with-emulation; else bash scripts/setup.sh; fi
started=$(date +%s)
step() { echo "test.sh: $1 done at $(($(date +%s) - started)) s" >&2; }

started_docker=false
if [ -z "${DOCKER_HOST:-}" ] || ! bash scripts/dockerd.sh status >/dev/null 2>&1; then
  # With a bridge of its own, so the net=bridge variant runs rather than being refused.
  bash scripts/dockerd.sh start --bridge >/dev/null
  started_docker=true
fi
eval "$(bash scripts/dockerd.sh env)"
export DOCKER_HOST
cleanup() { if $started_docker; then bash scripts/dockerd.sh stop || true; fi; }
trap cleanup EXIT

# The container tests build images for the other architecture too: register qemu for it.
binfmt=0
bash scripts/binfmt.sh ensure || binfmt=$?
if [ "$binfmt" = 3 ]; then
  export NEBULA_NO_EMULATION="this kernel cannot run another architecture's binaries (scripts/binfmt.sh said why)"
  echo "test.sh: LOUD SKIP: $NEBULA_NO_EMULATION; the tests of the other platform's images will be skipped" >&2
elif [ "$binfmt" != 0 ]; then
  exit "$binfmt"
fi

# The byte-for-byte rebuild is compilers on the CPU while the suite mostly waits on engines,
# brokers and child processes: both run at once, and the rebuild's output comes after.
if $ci; then
  check_log="$(mktemp "${TMPDIR:-/tmp}/nebula-check-functions.XXXXXX.log")"
  bash scripts/check-functions.sh >"$check_log" 2>&1 &
  check_pid=$!
fi

npm run lint
npm test
step "lint and npm test on Node $(node --version)"
if $ci; then
  check_rc=0
  wait "$check_pid" || check_rc=$?
  cat "$check_log"
  rm -f "$check_log"
  [ "$check_rc" = 0 ] || { echo "test.sh: check-functions failed (exit $check_rc)" >&2; exit "$check_rc"; }
  step "check-functions"
  bash scripts/node-versions.sh
  step "the suite on the other Node lines"
  bash scripts/emulated-pi.sh
  step "the emulated Raspberry Pi"
fi
