#!/usr/bin/env bash
# Rebuilds every function from scratch into a temporary directory (fresh cargo
# target directory too) with scripts/build-functions.sh and compares the bytes of
# each .wasm, .component.wasm and native binary (every architecture) with the committed ones
# in functions/<name>/build/, and of the watchdog of every architecture with the committed
# ones in source/runtimes/container/watchdog/, and of the conformance test modules in
# test/fixtures/conformance/<name>/build/. AssemblyScript functions (and modules brought as
# they are) have Wasm only. Prints each difference; exits 1 if any.
#
# Usage: scripts/check-functions.sh [--keep]   (--keep leaves the temp dir in place)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUNCTIONS="$ROOT/functions"
KEEP=0
[ "${1:-}" = "--keep" ] && KEEP=1

TMP="$(mktemp -d "${TMPDIR:-/tmp}/nebula-check-functions.XXXXXX")"
cleanup() { if [ "$KEEP" = 1 ]; then echo "check-functions: kept $TMP" >&2; else rm -rf "$TMP"; fi; }
trap cleanup EXIT

# The architectures build-functions.sh builds for (its ARCHES line).
read -r -a ARCHES < <(sed -n 's/^ARCHES=(\(.*\))$/\1/p' "$ROOT/scripts/build-functions.sh")
[ "${#ARCHES[@]}" -gt 0 ] || { echo "check-functions: no ARCHES line in scripts/build-functions.sh" >&2; exit 1; }

CARGO_TARGET_DIR="$TMP/target" "$ROOT/scripts/build-functions.sh" "$TMP/out"

differ=0
checked=0
toolchain_differs=0
if ! diff -u "$FUNCTIONS/toolchain.txt" "$TMP/out/toolchain.txt" >"$TMP/toolchain.diff" 2>&1; then
  toolchain_differs=1
  echo "TOOLCHAIN  differs from the one the committed artifacts were built with (functions/toolchain.txt):"
  sed -n '3,$p' "$TMP/toolchain.diff"
fi
compare() {
  local committed="$1" rebuilt="$2" shown="${1#"$ROOT"/}"
  checked=$((checked + 1))
  if [ ! -f "$committed" ]; then
    echo "MISSING  $shown (not built/committed)"
    differ=1
  elif [ ! -f "$rebuilt" ]; then
    echo "MISSING  rebuilt $(basename "$rebuilt")"
    differ=1
  elif ! cmp -s "$committed" "$rebuilt"; then
    echo "DIFFERS  $shown"
    differ=1
  fi
}
for manifest in "$FUNCTIONS"/*/function.json; do
  name="$(basename "$(dirname "$manifest")")"
  files=("$name.wasm" "$name.component.wasm")
  if ! grep -Eq '"language"[[:space:]]*:[[:space:]]*"(assemblyscript|wasm)"' "$manifest"; then
    for arch in "${ARCHES[@]}"; do files+=("$name.$arch"); done
  fi
  for file in "${files[@]}"; do
    compare "$FUNCTIONS/$name/build/$file" "$TMP/out/$name/$file"
  done
done
for fixture in "$ROOT"/test/fixtures/conformance/*/; do
  name="$(basename "$fixture")"
  [ -f "$fixture/function.json" ] || continue
  for file in "$name.wasm" "$name.component.wasm"; do
    compare "${fixture}build/$file" "$TMP/out/fixtures/$name/$file"
  done
done
for arch in "${ARCHES[@]}"; do
  compare "$ROOT/source/runtimes/container/watchdog/nebula-watchdog.$arch" "$TMP/out/watchdog/nebula-watchdog.$arch"
done

if [ "$differ" = 0 ]; then
  echo "check-functions: all $checked artifacts are byte-identical to the committed ones"
else
  echo "check-functions: committed artifacts differ from a fresh build; run scripts/build-functions.sh and commit functions/*/build, functions/toolchain.txt and source/runtimes/container/watchdog" >&2
  if [ "$toolchain_differs" = 1 ]; then
    echo "check-functions: the toolchain differs (above): the same source gives other bytes with another compiler or static C library" >&2
  fi
  exit 1
fi
