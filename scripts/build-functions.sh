#!/usr/bin/env bash
# Builds every function: the Rust ones and the watchdog here, then the C ones
# (scripts/build-c-functions.sh), the AssemblyScript ones (scripts/build-as-functions.sh) and
# the conformance test modules (scripts/build-fixtures.sh).
# Every Rust function in functions/ is built with the one Debian compiler:
#   (a) wasm32-wasi, then wrapped into a WASI command component with jco;
#   (b) a native static binary for every architecture in ARCHES (x86_64 and aarch64),
#       cross-compiled or native, whichever the host is;
# and the container runtime's watchdog (source/runtimes/container/watchdog/watchdog.c),
# a static C binary, for every architecture too.
#
# Usage: scripts/build-functions.sh [OUTDIR]
#   without OUTDIR: outputs go to functions/<name>/build/ and
#                   source/runtimes/container/watchdog/ (these are committed)
#   with OUTDIR:    outputs go to OUTDIR/<name>/ and OUTDIR/watchdog/
#                   (used by scripts/check-functions.sh)
#
# Outputs per function: <name>.wasm, <name>.component.wasm, <name>.<arch> for each arch;
# the watchdog: nebula-watchdog.<arch> for each arch.
#
# The build is byte-reproducible from any clone path: source paths are remapped to
# /nebula/functions (Rust) and /nebula (C), the cargo home to /nebula/cargo. Set
# CARGO_TARGET_DIR to build in a fresh target directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUNCTIONS="$ROOT/functions"
WATCHDOG_DIR="$ROOT/source/runtimes/container/watchdog"
OUTDIR="${1:-}"

# The architectures a native binary is built for; add one here and in the tables below.
ARCHES=(x86_64 aarch64)
# Rust target triple, C compiler (also the linker of Rust's static binaries) and the Debian
# packages that provide them, per architecture. Debian names each gcc by its triple on
# every host (the native one too), so one name builds alike natively and across.
declare -A RUST_TRIPLE=([x86_64]=x86_64-unknown-linux-gnu [aarch64]=aarch64-unknown-linux-gnu)
declare -A CC_FOR=([x86_64]=x86_64-linux-gnu-gcc [aarch64]=aarch64-linux-gnu-gcc)
declare -A DEBIAN_ARCH=([x86_64]=amd64 [aarch64]=arm64)
declare -A CROSS_PACKAGES=(
  [x86_64]='gcc-x86-64-linux-gnu libc6-dev-amd64-cross'
  [aarch64]='gcc-aarch64-linux-gnu libc6-dev-arm64-cross'
)

RUSTC_BIN=/usr/bin/rustc
CARGO_BIN=/usr/bin/cargo
INSTALL_HINT='apt-get install -y rustc cargo libstd-rust-dev-wasm32 lld-14'

missing() {
  echo "build-functions: $1" >&2
  echo "Install Debian's Rust toolchain and the compilers for every architecture:" >&2
  echo "  $INSTALL_HINT" >&2
  echo "  bash scripts/setup.sh --with-rust   (does it all, as root)" >&2
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

HOST_ARCH="$(uname -m)"
[ "$HOST_ARCH" = arm64 ] && HOST_ARCH=aarch64

# What a host needs to build for ARCH: its own gcc and libc6-dev, or the cross packages.
packages_for() {
  local arch="$1" debarch="${DEBIAN_ARCH[$1]}"
  if [ "$arch" = "$HOST_ARCH" ]; then
    echo "gcc libc6-dev libstd-rust-dev"
  else
    echo "${CROSS_PACKAGES[$arch]} libstd-rust-dev:$debarch (after dpkg --add-architecture $debarch; apt-get update)"
  fi
}

for arch in "${ARCHES[@]}"; do
  cc="${CC_FOR[$arch]}" triple="${RUST_TRIPLE[$arch]}"
  INSTALL_HINT="apt-get install -y $(packages_for "$arch")"
  command -v "$cc" >/dev/null 2>&1 || missing "$cc (the C compiler and linker for $arch) not found"
  case "$("$cc" -print-file-name=libc.a)" in
    /*) ;;
    *) missing "$cc has no static C library for $arch" ;;
  esac
  ls "$SYSROOT/lib/rustlib/$triple/lib/"libstd-*.rlib >/dev/null 2>&1 \
    || missing "the Rust standard library for $triple is missing"
done
INSTALL_HINT='apt-get install -y rustc cargo libstd-rust-dev-wasm32 lld-14'

JCO="$ROOT/node_modules/.bin/jco"
[ -x "$JCO" ] || { echo "build-functions: jco not found in $ROOT/node_modules (run npm install)" >&2; exit 1; }

# Rust function folders: every folder with a function.json and no other "language".
NAMES=()
for manifest in "$FUNCTIONS"/*/function.json; do
  grep -Eq '"language"[[:space:]]*:[[:space:]]*"(c|assemblyscript|wasm)"' "$manifest" && continue
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

cargo_build() {
  CARGO_ENCODED_RUSTFLAGS="$1" \
    "$CARGO_BIN" build --offline --locked --release --workspace \
    --manifest-path "$FUNCTIONS/Cargo.toml" --target "$2" --target-dir "$TARGET_DIR"
}

echo "build-functions: wasm32-wasi" >&2
cargo_build "$REMAP" wasm32-wasi

for arch in "${ARCHES[@]}"; do
  triple="${RUST_TRIPLE[$arch]}"
  echo "build-functions: $triple (static)" >&2
  linker_var="CARGO_TARGET_$(echo "$triple" | tr 'a-z-' 'A-Z_')_LINKER"
  export "$linker_var=${CC_FOR[$arch]}"
  cargo_build "-C${US}target-feature=+crt-static${US}$REMAP" "$triple"
done

for name in "${NAMES[@]}"; do
  if [ -n "$OUTDIR" ]; then
    dest="$OUTDIR/$name"
  else
    dest="$FUNCTIONS/$name/build"
  fi
  mkdir -p "$dest"
  install -m 0644 "$TARGET_DIR/wasm32-wasi/release/$name.wasm" "$dest/$name.wasm"
  for arch in "${ARCHES[@]}"; do
    install -m 0755 "$TARGET_DIR/${RUST_TRIPLE[$arch]}/release/$name" "$dest/$name.$arch"
  done
  "$JCO" new "$dest/$name.wasm" --wasi-command -o "$dest/$name.component.wasm" >/dev/null
  chmod 0644 "$dest/$name.component.wasm"
  echo "built $name -> $dest" >&2
done

# The watchdog: static (a FROM scratch image has no libc), stripped at link time (-s), its
# source path remapped, so the bytes depend on the compiler and the source alone.
watchdog_dest="${OUTDIR:+$OUTDIR/watchdog}"
watchdog_dest="${watchdog_dest:-$WATCHDOG_DIR}"
mkdir -p "$watchdog_dest"
for arch in "${ARCHES[@]}"; do
  out="$watchdog_dest/nebula-watchdog.$arch"
  (cd "$WATCHDOG_DIR" && "${CC_FOR[$arch]}" -static -O2 -s -Wall -Wextra -Werror \
    -ffile-prefix-map="$ROOT"=/nebula -o "$out" watchdog.c)
  chmod 0755 "$out"
  echo "built nebula-watchdog.$arch -> $watchdog_dest" >&2
done

"$ROOT/scripts/build-c-functions.sh" ${OUTDIR:+"$OUTDIR"}
"$ROOT/scripts/build-as-functions.sh" ${OUTDIR:+"$OUTDIR"}
CARGO_TARGET_DIR="$TARGET_DIR" "$ROOT/scripts/build-fixtures.sh" ${OUTDIR:+"$OUTDIR"}

# What made these bytes: the same source gives the same bytes only with the same compilers
# and the same static C library, whose Debian versions differ between hosts (libc6-dev of the
# native architecture and libc6-dev-*-cross of the other are separate packages, updated
# apart). check-functions.sh compares this record first, so a differing toolchain is named.
toolchain="${OUTDIR:-$FUNCTIONS}/toolchain.txt"
{
  echo "# Written by scripts/build-functions.sh: the toolchain the committed artifacts come from."
  echo "rustc: $("$RUSTC_BIN" -V) (Debian rustc $(dpkg-query -W -f='${Version}' rustc 2>/dev/null || echo unknown))"
  echo "jco: $("$JCO" --version 2>/dev/null | tail -n 1)"
  echo "clang (C to wasm32-wasi): $(clang --version 2>/dev/null | head -n 1 || echo none)"
  for arch in "${ARCHES[@]}"; do
    cc="${CC_FOR[$arch]}"
    libc="$(realpath "$("$cc" -print-file-name=libc.a)")"
    pkg="$(dpkg -S "$libc" 2>/dev/null | sed 's/: .*//' || true)"
    version="$( [ -n "$pkg" ] && dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || echo unknown)"
    echo "$arch: $("$cc" --version | head -n 1); static libc ${pkg:-unknown} $version"
  done
} >"$toolchain"

end=$(date +%s.%N)
printf 'build-functions: %d Rust functions (then C, AssemblyScript, test modules) and the watchdog for %s in %.1f s\n' "${#NAMES[@]}" "${ARCHES[*]}" \
  "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" >&2
