#!/usr/bin/env bash
# Lets this machine run another architecture's Linux binaries through qemu-user-static and
# the kernel's binfmt_misc: the emulated Raspberry Pi (arm64 on x86_64) and its reverse.
#
# Usage: scripts/binfmt.sh ensure [ARCH]   (ARCH: aarch64 or x86_64; default: the one this
#                                          machine is not)
#   installs qemu-user-static and binfmt-support when missing, mounts binfmt_misc when it is
#   not mounted, registers qemu-ARCH (with the F flag, so it also works inside containers),
#   and runs a committed static binary of ARCH to prove it.
# Exit codes: 0 ready; 1 something failed (said why); 3 this kernel cannot (no binfmt_misc,
# or no right to mount it): callers may skip what needs emulation, saying so loudly.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "binfmt.sh: $*" >&2; }
cannot() { say "CANNOT EMULATE: $*"; exit 3; }

host="$(uname -m)"
[ "$host" = arm64 ] && host=aarch64
case "${1:-}" in
  ensure) ;;
  *) echo "usage: $0 ensure [aarch64|x86_64]" >&2; exit 2 ;;
esac
arch="${2:-}"
if [ -z "$arch" ]; then
  case "$host" in
    x86_64) arch=aarch64 ;;
    aarch64) arch=x86_64 ;;
    *) say "unsupported host architecture $host"; exit 1 ;;
  esac
fi
case "$arch" in
  aarch64 | x86_64) ;;
  *) say "unknown architecture '$arch'; choose aarch64 or x86_64"; exit 2 ;;
esac
probe="functions/hello/build/hello.$arch"
[ -x "$probe" ] || { say "$probe is missing; run bash scripts/build-functions.sh"; exit 1; }

runs() { "$probe" </dev/null >/dev/null 2>&1; }

if [ "$arch" = "$host" ] || runs; then
  say "$arch binaries run here"
  exit 0
fi

BINFMT=/proc/sys/fs/binfmt_misc
if [ ! -e "$BINFMT/register" ]; then
  grep -qw binfmt_misc /proc/filesystems || modprobe binfmt_misc 2>/dev/null || true
  grep -qw binfmt_misc /proc/filesystems || cannot "this kernel has no binfmt_misc"
  mkdir -p "$BINFMT" 2>/dev/null || true
  mount -t binfmt_misc binfmt_misc "$BINFMT" 2>/dev/null \
    || cannot "binfmt_misc is not mounted and mounting it failed (needs root, and a privileged container)"
  say "mounted binfmt_misc on $BINFMT"
fi

need=()
for pkg in qemu-user-static binfmt-support; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { say "missing ${need[*]}; run as root: apt-get install ${need[*]}"; exit 1; }
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${need[@]}" >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${need[@]}" >/dev/null; }
fi

entry="$BINFMT/qemu-$arch"
if [ ! -e "$entry" ]; then
  update-binfmts --enable "qemu-$arch" >&2 || { say "update-binfmts --enable qemu-$arch failed"; exit 1; }
fi
grep -q '^enabled' "$entry" || { say "$entry is registered but disabled"; exit 1; }
grep -q '^flags:.*F' "$entry" \
  || say "warning: qemu-$arch has no F flag: $arch binaries will not run inside containers"
runs || { say "qemu-$arch is registered but $probe still does not run"; exit 1; }
say "qemu-$arch registered: $arch binaries run here (emulated)"
