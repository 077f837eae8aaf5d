#!/usr/bin/env bash
# Does idle measured beside each block keep net energy where it was when other load steps up
# mid-run? A simulated Shelly plug (`nebula plug-sim`, through a private mosquitto) follows only
# the bench's own CPU and adds a step of --step-watts from --step-after seconds on. The same
# warm bench runs with interleaved idle (the default), with idle only around the run, and with
# `--precision 5%`. Each run's blocks, net, interval and the precision reached are printed.
#
# Usage: bash scripts/energy-step.sh [OUT_DIR [RUN...]]   (after npm run build; about 12 minutes)
#   RUN: interleaved, around or precision (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-$(mktemp -d "${TMPDIR:-/tmp}/nebula-energy-step.XXXXXX")}"
mkdir -p "$out"
port="${NEBULA_STEP_PORT:-18830}"
nebula=(node dist/source/cli/nebula.js)
for runtime in wasm wasm-p1; do "${nebula[@]}" deploy hello --runtime "$runtime" >/dev/null; done
bash scripts/mosquitto.sh start "$port" >/dev/null
trap 'bash scripts/mosquitto.sh stop "$port" >/dev/null 2>&1 || true' EXIT

# run NAME STEP_AFTER_S BENCH_FLAGS...
run() {
  local name=$1 step=$2
  shift 2
  "${nebula[@]}" bench --functions hello --runtimes wasm,wasm-p1 --mode warm --power \
    --power-broker "mqtt://127.0.0.1:$port" --power-format shelly --power-topic "step-$name" \
    --power-simulated --baseline 5 --block-seconds 6 --json --log "$out/$name.jsonl" "$@" \
    >"$out/$name.json" 2>"$out/$name.err" &
  local bench=$! started=$SECONDS
  "${nebula[@]}" plug-sim --broker "mqtt://127.0.0.1:$port" --format shelly \
    --topic "step-$name" --period-ms 500 --cpu-of "$bench" --step-after "$step" \
    --step-watts 0.5 --quiet 2>"$out/$name.sim" &
  local sim=$!
  local rc=0
  wait "$bench" || rc=$?
  kill "$sim" 2>/dev/null || true
  wait "$sim" 2>/dev/null || true
  echo "== $name: bench exit $rc after $((SECONDS - started)) s, a +0.5 W step from ${step} s"
  [ "$rc" = 0 ] || { cat "$out/$name.err" >&2; return "$rc"; }
  node scripts/energy-step-summary.mjs "$out/$name.json" "$step"
}

runs=("${@:2}")
[ "${#runs[@]}" -gt 0 ] || runs=(interleaved around precision)
for name in "${runs[@]}"; do
  case "$name" in
    interleaved) run interleaved 80 ;;
    # Without idle windows between blocks the run is half as long: the step comes earlier.
    around) run around 45 --idle around ;;
    precision) run precision 80 --precision 5% --max-minutes 3 ;;
    *) echo "energy-step.sh: unknown run '$name': interleaved, around or precision" >&2; exit 2 ;;
  esac
done
echo "logs and JSON in $out"
