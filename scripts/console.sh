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
# Container images are built once per function source (a few seconds each the first time).
if [ -n "${DOCKER_HOST:-}" ]; then
  node dist/source/cli/nebula.js deploy --runtime all >/dev/null || echo "console: deploy failed; the console will say what is missing" >&2
fi
# The flags of nebula-tui's own first line (CONSOLE_NODE_FLAGS in source/core/node-support.ts).
exec node --max-semi-space-size=4 dist/source/cli/nebula-tui.js "$@"
