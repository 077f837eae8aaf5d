#!/usr/bin/env bash
# Builds the conformance test modules that are neither C nor AssemblyScript (those are built by
# scripts/build-c-functions.sh and scripts/build-as-functions.sh): test/fixtures/conformance/
#   rust-probe   Rust (Debian's rustc, wasm32-wasi), as the functions are built
#   wat-*        the Wasm text format, assembled by jco (wasm-tools inside)
# Each into a preview1 module <name>.wasm and a command component <name>.component.wasm.
#
# Usage: scripts/build-fixtures.sh [OUTDIR]   (OUTDIR/fixtures/<name>/, for check-functions.sh)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FIXTURES="$ROOT/test/fixtures/conformance"
OUTDIR="${1:-}"
JCO="$ROOT/node_modules/.bin/jco"
[ -x "$JCO" ] || { echo "build-fixtures: jco not found in $ROOT/node_modules (run npm install)" >&2; exit 1; }

dest_of() { local name="$1"; if [ -n "$OUTDIR" ]; then echo "$OUTDIR/fixtures/$name"; else echo "$FIXTURES/$name/build"; fi; }

componentize() {
  local name="$1" dest="$2"
  chmod 0644 "$dest/$name.wasm"
  "$JCO" new "$dest/$name.wasm" --wasi-command -o "$dest/$name.component.wasm" >/dev/null
  chmod 0644 "$dest/$name.component.wasm"
  echo "built $name -> $dest" >&2
}

# Rust, with the same compiler and path remapping as scripts/build-functions.sh.
name=rust-probe
dest="$(dest_of "$name")"
mkdir -p "$dest"
target_dir="${CARGO_TARGET_DIR:-$ROOT/functions/target}/fixtures"
US=$'\x1f'
RUSTC=/usr/bin/rustc CARGO_ENCODED_RUSTFLAGS="--remap-path-prefix=$FIXTURES=/nebula/fixtures${US}--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/nebula/cargo" \
  /usr/bin/cargo build --offline --locked --release --quiet \
  --manifest-path "$FIXTURES/$name/Cargo.toml" --target wasm32-wasi --target-dir "$target_dir"
install -m 0644 "$target_dir/wasm32-wasi/release/$name.wasm" "$dest/$name.wasm"
componentize "$name" "$dest"

for src in "$FIXTURES"/wat-*/; do
  name="$(basename "$src")"
  dest="$(dest_of "$name")"
  mkdir -p "$dest"
  "$JCO" parse "$src/main.wat" -o "$dest/$name.wasm" >/dev/null
  componentize "$name" "$dest"
done
