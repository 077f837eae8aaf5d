#!/usr/bin/env node
// Prints one `nebula bench --power --json` result of scripts/energy-step.sh: idle, and per
// runtime net with its interval, the precision reached, and each block's net before and
// after the step. plug-sim starts with the bench, and the bench's idle of 5 s comes before its
// first block: the step lands about STEP - 5 s after the first block starts. A block that
// spans the step counts on neither side.
// Usage: node scripts/energy-step-summary.mjs RESULT.json STEP_AFTER_S
import { readFileSync } from 'node:fs';

const [file, stepArg] = process.argv.slice(2);
const out = JSON.parse(readFileSync(file, 'utf8'));
const step = Number(stepArg);
const fixed = (x, digits = 3) => (typeof x === 'number' ? x.toFixed(digits) : '-');
const percent = (x) => (typeof x === 'number' ? `${(x * 100).toFixed(1)}%` : '-');
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

const { idle } = out;
console.log(
  `idle before ${fixed(idle?.before?.watts)} W, after ${fixed(idle?.after?.watts)} W, ` +
    `drift ${percent(idle?.drift)}${idle?.flagged ? ' (flagged)' : ''}`,
);
// Blocks carry the host's monotonic clock in ns (decimal strings).
const ms = (ns) => Number(BigInt(ns) / 1_000_000n);
const startMs = (block) => ms(block.startNs);
const origin = Math.min(...out.results.flatMap((r) => (r.energy?.blocks ?? []).map(startMs)));
for (const result of out.results) {
  const energy = result.energy;
  if (!energy) continue;
  const before = [];
  const after = [];
  for (const block of energy.blocks) {
    const net = block.netMicroWhPerInvocation;
    if (typeof net !== 'number') continue;
    const stepMs = origin + (step - 5) * 1000;
    if (startMs(block) >= stepMs) after.push(net);
    else if (ms(block.endNs) <= stepMs) before.push(net);
  }
  const { low, high } = energy.ci95?.net ?? {};
  const moved = before.length && after.length ? mean(after) / mean(before) - 1 : null;
  console.log(
    `${result.runtime}: net ${fixed(energy.netMicroWhPerInvocation)} [${fixed(low)}-${fixed(high)}] µWh, ` +
      `precision reached ±${percent(energy.precision?.net)}` +
      `${energy.precision?.target ? ` (asked ±${percent(energy.precision.target)}, ${energy.precision.met ? 'met' : 'not met'})` : ''}, ` +
      `${energy.blocks.length} blocks, ${energy.invocations} invocations; ` +
      `block nets before the step ${before.map((x) => fixed(x)).join(' ')}; after ${after.map((x) => fixed(x)).join(' ')}; ` +
      `after/before ${moved === null ? '-' : `${moved >= 0 ? '+' : ''}${(moved * 100).toFixed(0)}%`}` +
      `${energy.reason ? `; ${energy.reason}` : ''}`,
  );
}
