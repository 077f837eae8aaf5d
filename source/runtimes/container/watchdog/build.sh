#!/usr/bin/env bash
# Rebuilds the committed nebula-watchdog: a static binary, so it runs in a FROM scratch image.
# Needs gcc and the static C library (Debian: build-essential). Images rebuild on their own
# afterwards: the binary is part of every image's source hash.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
gcc -static -O2 -Wall -Wextra -o nebula-watchdog watchdog.c
strip nebula-watchdog
echo "built $(pwd)/nebula-watchdog ($(stat -c %s nebula-watchdog) bytes)" >&2
