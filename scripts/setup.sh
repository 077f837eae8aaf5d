#!/usr/bin/env bash
# Installs what Nebula needs on a fresh Debian machine (or Raspberry Pi OS) and builds it.
# Debian packages need root; without root, missing ones are named and skipped.
#   --with-rust   also the Debian Rust toolchain and C compilers (with clang and wasi-libc for
#                 the C functions' Wasm) that rebuild functions/ and the watchdog for x86_64
#                 and aarch64 (not needed to run: they are committed)
#   --with-emulation  also qemu-user-static and the arm64 C libraries an arm64 Node needs under
#                 emulation on x86_64 (the emulated Raspberry Pi job, scripts/emulated-pi.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

# make, g++ and python3 build node-pty (the console tests' pseudo-terminal) from source: it
# ships no Linux binary.
packages=(docker.io mosquitto mosquitto-clients curl debootstrap make g++ python3)
host="$(uname -m)"
case "$host" in
  x86_64) other=aarch64 other_deb=arm64 other_gnu=aarch64 ;;
  aarch64 | arm64) other=x86_64 other_deb=amd64 other_gnu=x86-64 ;;
  *) other='' ;;
esac
foreign=()
for flag in "$@"; do
  case "$flag" in
    --with-rust)
      packages+=(rustc cargo libstd-rust-dev-wasm32 lld-14 gcc libc6-dev
        clang lld wasi-libc libclang-rt-14-dev-wasm32)
      if [ -n "$other" ]; then
        packages+=("gcc-$other_gnu-linux-gnu" "libc6-dev-$other_deb-cross" "libstd-rust-dev:$other_deb")
        foreign+=("$other_deb")
      fi
      ;;
    --with-emulation)
      packages+=(qemu-user-static binfmt-support)
      if [ "$other" = aarch64 ]; then
        packages+=(libc6:arm64 libstdc++6:arm64)
        foreign+=(arm64)
      fi
      ;;
    *) echo "setup: unknown option $flag (--with-rust, --with-emulation)" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    # Packages of another architecture (libstd-rust-dev:arm64, ...) need it added first.
    for arch in "${foreign[@]}"; do
      dpkg --print-foreign-architectures | grep -qx "$arch" || dpkg --add-architecture "$arch"
    done
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages ${missing[*]}; run: sudo apt-get install ${missing[*]}" >&2
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm 11 runs a dependency's install script only when package.json's allowScripts names
  # it: node-pty is named there (its native build); the others need none to work.
  npm ci --no-audit --no-fund
fi
# node-pty's build may have been skipped (an older npm with ignore-scripts, a machine that
# lacked a compiler then): build it now, or say what is missing.
if ! node -e "require('node-pty')" 2>/dev/null; then
  echo "setup: building node-pty (the console tests' pseudo-terminal)" >&2
  npm rebuild node-pty >&2 || {
    echo "setup: node-pty did not build: it needs make, g++ and python3 (apt-get install make g++ python3)" >&2
    exit 1
  }
fi
npm run build --silent
