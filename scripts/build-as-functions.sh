#!/usr/bin/env bash
# Builds every AssemblyScript function (a function.json with "language": "assemblyscript")
# with the compiler and WASI shim pinned in package.json (npm alone, no system toolchain):
# a preview1 module, then a WASI command component wrapped by jco. Wasm only: there is no
# native binary, so these functions never run on `container`. The shared helper is
# functions/as-mark/. Test modules in test/fixtures/conformance/as-*/ with a main.ts are
# built the same way.
#
# Usage: scripts/build-as-functions.sh [OUTDIR]
#   without OUTDIR: outputs go to functions/<name>/build/ and test/fixtures/... (committed)
#   with OUTDIR:    outputs go to OUTDIR/<name>/ (used by scripts/check-functions.sh)
#
# Byte-reproducible from any clone path: asc is run from the clone's root with relative
# paths, and writes no timestamps.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUTDIR="${1:-}"
cd "$ROOT"
ASC=node_modules/.bin/asc
JCO=node_modules/.bin/jco
SHIM_CONFIG=node_modules/@assemblyscript/wasi-shim/asconfig.json
for tool in "$ASC" "$JCO" "$SHIM_CONFIG"; do
  [ -e "$tool" ] || { echo "build-as-functions: $tool not found (run npm install)" >&2; exit 1; }
done

# name, source folder (relative to the root), destination
build_one() {
  local name="$1" src="$2" dest="$3"
  mkdir -p "$dest"
  # The shim's config names its library folder relative to the working directory.
  "$ASC" "$src/main.ts" --config "$SHIM_CONFIG" -O3 --noColors -o "$dest/$name.wasm"
  chmod 0644 "$dest/$name.wasm"
  "$JCO" new "$dest/$name.wasm" --wasi-command -o "$dest/$name.component.wasm" >/dev/null
  chmod 0644 "$dest/$name.component.wasm"
  echo "built $name -> $dest" >&2
}

count=0
for manifest in functions/*/function.json; do
  grep -Eq '"language"[[:space:]]*:[[:space:]]*"assemblyscript"' "$manifest" || continue
  dir="$(dirname "$manifest")"
  name="$(basename "$dir")"
  dest="${OUTDIR:+$OUTDIR/$name}"
  build_one "$name" "$dir/src" "${dest:-$dir/build}"
  count=$((count + 1))
done
for src in test/fixtures/conformance/as-*/; do
  [ -f "$src/main.ts" ] || continue
  name="$(basename "$src")"
  dest="${OUTDIR:+$OUTDIR/fixtures/$name}"
  build_one "$name" "${src%/}" "${dest:-${src%/}/build}"
  count=$((count + 1))
done
echo "build-as-functions: $count built" >&2
