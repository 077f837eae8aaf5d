#!/usr/bin/env bash
# Installs what Nebula needs on a fresh Debian machine (or Raspberry Pi OS) and builds it.
# Debian packages need root; without root, missing ones are named and skipped.
#   --with-rust   also the Debian Rust toolchain that rebuilds functions/ (not needed to run)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(docker.io mosquitto mosquitto-clients curl)
[ "${1:-}" = "--with-rust" ] && packages+=(rustc cargo libstd-rust-dev-wasm32 lld-14)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages ${missing[*]}; run: sudo apt-get install ${missing[*]}" >&2
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
