#!/usr/bin/env bash
# Builds every C function (a function.json with "language": "c") three ways from one source:
#   (a) wasm32-wasi with Debian's clang and wasi-libc, then wrapped into a WASI command
#       component with jco;
#   (b) a static x86_64 binary (x86_64-linux-gnu-gcc) and (c) a static aarch64 binary
#       (aarch64-linux-gnu-gcc): Debian names each gcc by its triple on every host, so the
#       same names build natively and across, as scripts/build-functions.sh does.
# The shared helper is functions/c-mark/. Test modules in test/fixtures/conformance with a
# main.c are built the same way (Wasm only).
#
# Usage: scripts/build-c-functions.sh [OUTDIR]
#   without OUTDIR: outputs go to functions/<name>/build/ and test/fixtures/... (committed)
#   with OUTDIR:    outputs go to OUTDIR/<name>/ (used by scripts/check-functions.sh)
#
# Byte-reproducible from any clone path: sources are compiled from their own folder with
# the clone's path mapped to /nebula, binaries are stripped, no build id, no timestamps.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUNCTIONS="$ROOT/functions"
OUTDIR="${1:-}"
INSTALL_HINT='apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32 gcc gcc-aarch64-linux-gnu libc6-dev-arm64-cross'

missing() {
  echo "build-c-functions: $1" >&2
  echo "Install Debian's C toolchains (Wasm, x86_64 and aarch64):" >&2
  echo "  $INSTALL_HINT" >&2
  exit 1
}

case "$(uname -m)" in
  x86_64|aarch64|arm64) CC_X86_64=x86_64-linux-gnu-gcc; CC_AARCH64=aarch64-linux-gnu-gcc ;;
  *) echo "build-c-functions: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
for tool in clang wasm-ld "$CC_X86_64" "$CC_AARCH64"; do
  command -v "$tool" >/dev/null || missing "$tool not found"
done
[ -f /usr/include/wasm32-wasi/stdio.h ] || missing "wasi-libc headers not found in /usr/include/wasm32-wasi"
JCO="$ROOT/node_modules/.bin/jco"
[ -x "$JCO" ] || { echo "build-c-functions: jco not found in $ROOT/node_modules (run npm install)" >&2; exit 1; }

COMMON=(-std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror
  "-ffile-prefix-map=$ROOT=/nebula" -I "$FUNCTIONS/c-mark")
WASM_FLAGS=(--target=wasm32-wasi -Wl,--strip-all)
NATIVE_FLAGS=(-static -s -Wl,--build-id=none)
HELPER="$FUNCTIONS/c-mark/nebula_mark.c"

# name, source folder, destination, natives (yes|no)
build_one() {
  local name="$1" src="$2" dest="$3" natives="$4"
  mkdir -p "$dest"
  local sources=("$src"/*.c "$HELPER")
  clang "${COMMON[@]}" "${WASM_FLAGS[@]}" -o "$dest/$name.wasm" "${sources[@]}" -lm
  chmod 0644 "$dest/$name.wasm"
  "$JCO" new "$dest/$name.wasm" --wasi-command -o "$dest/$name.component.wasm" >/dev/null
  chmod 0644 "$dest/$name.component.wasm"
  if [ "$natives" = yes ]; then
    "$CC_X86_64" "${COMMON[@]}" "${NATIVE_FLAGS[@]}" -o "$dest/$name.x86_64" "${sources[@]}" -lm
    "$CC_AARCH64" "${COMMON[@]}" "${NATIVE_FLAGS[@]}" -o "$dest/$name.aarch64" "${sources[@]}" -lm
    chmod 0755 "$dest/$name.x86_64" "$dest/$name.aarch64"
  fi
  echo "built $name -> $dest" >&2
}

count=0
for manifest in "$FUNCTIONS"/*/function.json; do
  dir="$(dirname "$manifest")"
  grep -Eq '"language"[[:space:]]*:[[:space:]]*"c"' "$manifest" || continue
  name="$(basename "$dir")"
  dest="${OUTDIR:+$OUTDIR/$name}"
  build_one "$name" "$dir/src" "${dest:-$dir/build}" yes
  count=$((count + 1))
done
for src in "$ROOT"/test/fixtures/conformance/c-*/; do
  [ -f "$src/main.c" ] || continue
  name="$(basename "$src")"
  dest="${OUTDIR:+$OUTDIR/fixtures/$name}"
  build_one "$name" "${src%/}" "${dest:-${src%/}/build}" no
  count=$((count + 1))
done
echo "build-c-functions: $count built" >&2
