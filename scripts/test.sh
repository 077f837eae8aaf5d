#!/usr/bin/env bash
# The whole check on a fresh machine: install, start a private Docker engine, lint, test.
# Mosquitto brokers are started by the tests themselves (scripts/mosquitto.sh).
#   --ci   also rebuild every function from source and compare with the committed bytes
set -euo pipefail
cd "$(dirname "$0")/.."

ci=false
[ "${1:-}" = "--ci" ] && ci=true

if $ci; then bash scripts/setup.sh --with-rust; else bash scripts/setup.sh; fi

started_docker=false
if [ -z "${DOCKER_HOST:-}" ] || ! bash scripts/dockerd.sh status >/dev/null 2>&1; then
  bash scripts/dockerd.sh start >/dev/null
  started_docker=true
fi
eval "$(bash scripts/dockerd.sh env)"
export DOCKER_HOST
cleanup() { if $started_docker; then bash scripts/dockerd.sh stop || true; fi; }
trap cleanup EXIT

npm run lint
npm test
if $ci; then bash scripts/check-functions.sh; fi
