#!/usr/bin/env bash
# One command from a fresh clone to the console: install, build, start a private Docker
# engine when none answers (as root), then run `nebula-tui` with any arguments given.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DOCKER_HOST:-}" ] && [ "$(id -u)" = 0 ]; then
  bash scripts/dockerd.sh start >/dev/null
  eval "$(bash scripts/dockerd.sh env)"
  export DOCKER_HOST
fi
exec node dist/source/cli/nebula-tui.js "$@"
