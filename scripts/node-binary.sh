#!/usr/bin/env bash
# Prints the path of an official Node.js binary of VERSION for ARCH (x64 or arm64; default
# this machine's), fetched once from the npm registry's node-linux-ARCH package (the binary
# is package/bin/node) into ${NEBULA_CACHE_DIR:-$HOME/.cache/nebula}/node/.
# Usage: scripts/node-binary.sh VERSION [x64|arm64]
set -euo pipefail

version="${1:?usage: $0 VERSION [x64|arm64]}"
arch="${2:-}"
if [ -z "$arch" ]; then
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "node-binary.sh: no Node package for $(uname -m)" >&2; exit 1 ;;
  esac
fi
case "$arch" in x64 | arm64) ;; *) echo "node-binary.sh: ARCH must be x64 or arm64" >&2; exit 2 ;; esac

dir="${NEBULA_CACHE_DIR:-$HOME/.cache/nebula}/node/$version-$arch"
bin="$dir/package/bin/node"
if [ ! -x "$bin" ]; then
  mkdir -p "$dir"
  echo "node-binary.sh: fetching node-linux-$arch@$version from the npm registry" >&2
  (cd "$dir" && npm pack --silent "node-linux-$arch@$version" >/dev/null && tar xzf node-linux-*.tgz && rm -f node-linux-*.tgz)
  [ -x "$bin" ] || { echo "node-binary.sh: node-linux-$arch@$version has no package/bin/node" >&2; exit 1; }
fi
echo "$bin"
