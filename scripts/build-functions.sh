#!/usr/bin/env bash
# Builds every Rust function in functions/ twice with the one Debian compiler:
#   (a) wasm32-wasi, then wrapped into a WASI command component with jco;
#   (b) a native static binary for the host triple.
#
# Usage: scripts/build-functions.sh [OUTDIR]
#   without OUTDIR: outputs go to functions/<name>/build/ (these are committed)
#   with OUTDIR:    outputs go to OUTDIR/<name>/ (used by scripts/check-functions.sh)
#
# Outputs per function: <name>.wasm, <name>.component.wasm, <name>.<arch>
# (arch from `uname -m`: x86_64 or aarch64).
#
# The build is byte-reproducible from any clone path: source paths are remapped to
# /nebula/functions and the cargo home to /nebula/cargo. Set CARGO_TARGET_DIR to
# build in a fresh target directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUNCTIONS="$ROOT/functions"
OUTDIR="${1:-}"

RUSTC_BIN=/usr/bin/rustc
CARGO_BIN=/usr/bin/cargo
INSTALL_HINT='apt-get install -y rustc cargo libstd-rust-dev-wasm32 lld-14'

missing() {
  echo "build-functions: $1" >&2
  echo "Install Debian's Rust toolchain with the wasm32-wasi standard library:" >&2
  echo "  $INSTALL_HINT" >&2
  exit 1
}

[ -x "$RUSTC_BIN" ] || missing "$RUSTC_BIN not found"
[ -x "$CARGO_BIN" ] || missing "$CARGO_BIN not found"
SYSROOT="$("$RUSTC_BIN" --print sysroot)"
ls "$SYSROOT"/lib/rustlib/wasm32-wasi/lib/libstd-*.rlib >/dev/null 2>&1 \
  || missing "the wasm32-wasi standard library is missing (package libstd-rust-dev-wasm32)"
# rustc links wasm with rust-lld, which Debian ships as a link to lld-14.
RUST_LLD="$(command -v rust-lld || true)"
{ [ -n "$RUST_LLD" ] && [ -e "$(readlink -f "$RUST_LLD")" ]; } \
  || missing "rust-lld (the wasm linker, package lld-14) is missing"

HOST_TRIPLE="$("$RUSTC_BIN" -vV | sed -n 's/^host: //p')"
[ -n "$HOST_TRIPLE" ] || { echo "build-functions: cannot read the host triple from rustc -vV" >&2; exit 1; }
ARCH="$(uname -m)"
case "$ARCH" in
  x86_64|aarch64) ;;
  arm64) ARCH=aarch64 ;;
  *) echo "build-functions: unsupported architecture $ARCH (expected x86_64 or aarch64)" >&2; exit 1 ;;
esac

JCO="$ROOT/node_modules/.bin/jco"
[ -x "$JCO" ] || { echo "build-functions: jco not found in $ROOT/node_modules (run npm install)" >&2; exit 1; }

# Function folders: every folder with a function.json.
NAMES=()
for manifest in "$FUNCTIONS"/*/function.json; do
  NAMES+=("$(basename "$(dirname "$manifest")")")
done
[ "${#NAMES[@]}" -gt 0 ] || { echo "build-functions: no functions found in $FUNCTIONS" >&2; exit 1; }

CARGO_HOME_DIR="${CARGO_HOME:-$HOME/.cargo}"
# Flags are passed through CARGO_ENCODED_RUSTFLAGS (separated by 0x1f) so paths
# with spaces survive.
US=$'\x1f'
REMAP="--remap-path-prefix=$FUNCTIONS=/nebula/functions${US}--remap-path-prefix=$CARGO_HOME_DIR=/nebula/cargo"

export RUSTC="$RUSTC_BIN"
unset RUSTFLAGS RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER || true

TARGET_DIR="${CARGO_TARGET_DIR:-$FUNCTIONS/target}"
start=$(date +%s.%N)

echo "build-functions: wasm32-wasi" >&2
CARGO_ENCODED_RUSTFLAGS="$REMAP" \
  "$CARGO_BIN" build --offline --locked --release --workspace \
  --manifest-path "$FUNCTIONS/Cargo.toml" --target wasm32-wasi --target-dir "$TARGET_DIR"

echo "build-functions: $HOST_TRIPLE (static)" >&2
CARGO_ENCODED_RUSTFLAGS="-C${US}target-feature=+crt-static${US}$REMAP" \
  "$CARGO_BIN" build --offline --locked --release --workspace \
  --manifest-path "$FUNCTIONS/Cargo.toml" --target "$HOST_TRIPLE" --target-dir "$TARGET_DIR"

for name in "${NAMES[@]}"; do
  if [ -n "$OUTDIR" ]; then
    dest="$OUTDIR/$name"
  else
    dest="$FUNCTIONS/$name/build"
  fi
  mkdir -p "$dest"
  install -m 0644 "$TARGET_DIR/wasm32-wasi/release/$name.wasm" "$dest/$name.wasm"
  install -m 0755 "$TARGET_DIR/$HOST_TRIPLE/release/$name" "$dest/$name.$ARCH"
  "$JCO" new "$dest/$name.wasm" --wasi-command -o "$dest/$name.component.wasm" >/dev/null
  chmod 0644 "$dest/$name.component.wasm"
  echo "built $name -> $dest" >&2
done

end=$(date +%s.%N)
printf 'build-functions: %d functions in %.1f s\n' "${#NAMES[@]}" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" >&2
