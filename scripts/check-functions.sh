#!/usr/bin/env bash
# Rebuilds every function from scratch into a temporary directory (fresh cargo
# target directory too) with scripts/build-functions.sh and compares the bytes of
# each .wasm, .component.wasm and native binary with the committed ones in
# functions/<name>/build/. Prints each difference; exits 1 if any.
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

ARCH="$(uname -m)"
[ "$ARCH" = arm64 ] && ARCH=aarch64

CARGO_TARGET_DIR="$TMP/target" "$ROOT/scripts/build-functions.sh" "$TMP/out"

differ=0
checked=0
for manifest in "$FUNCTIONS"/*/function.json; do
  name="$(basename "$(dirname "$manifest")")"
  for file in "$name.wasm" "$name.component.wasm" "$name.$ARCH"; do
    committed="$FUNCTIONS/$name/build/$file"
    rebuilt="$TMP/out/$name/$file"
    checked=$((checked + 1))
    if [ ! -f "$committed" ]; then
      echo "MISSING  functions/$name/build/$file (not built/committed)"
      differ=1
    elif [ ! -f "$rebuilt" ]; then
      echo "MISSING  rebuilt $file"
      differ=1
    elif ! cmp -s "$committed" "$rebuilt"; then
      echo "DIFFERS  functions/$name/build/$file"
      differ=1
    fi
  done
done

if [ "$differ" = 0 ]; then
  echo "check-functions: all $checked artifacts are byte-identical to the committed ones"
else
  echo "check-functions: committed artifacts differ from a fresh build; run scripts/build-functions.sh and commit functions/*/build" >&2
  exit 1
fi
