#!/usr/bin/env bash
# Runs the test suite (dist/test, already built) on every supported Node.js line besides the
# one on PATH, with binaries from the npm registry (scripts/node-binary.sh). The supported
# lines are source/core/node-support.ts's SUPPORTED_NODE_MAJORS; the versions below are
# the ones tested. DOCKER_HOST must point at a running engine, as for npm test.
# Usage: scripts/node-versions.sh [VERSION...]
set -euo pipefail
cd "$(dirname "$0")/.."

VERSIONS=(20.20.2 22.23.5 24.22.3)
[ $# -gt 0 ] && VERSIONS=("$@")
current="$(node --version)"
current_major="${current#v}"
current_major="${current_major%%.*}"

for version in "${VERSIONS[@]}"; do
  if [ "${version%%.*}" = "$current_major" ]; then
    echo "node-versions: Node $current (on PATH) is tested by npm test itself; skipping $version" >&2
    continue
  fi
  node_bin="$(bash scripts/node-binary.sh "$version")"
  echo "node-versions: the test suite on Node $("$node_bin" --version)" >&2
  start=$(date +%s)
  "$node_bin" scripts/run-tests.mjs
  echo "node-versions: Node $version passed in $(($(date +%s) - start)) s" >&2
done
