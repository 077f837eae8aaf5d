/**
 * Warm and cold `hello` through `wasm` and `wasm-p1`, the bare node:wasi yardstick, and
 * resident memory around 10,000 warm calls, side by side in one run. Warm calls run in rounds
 * of --block calls per runtime, the runtimes taking turns round after round (A B A B at the
 * round level): fair against drift, and each runtime stays as warm as a platform under
 * steady load keeps it. --block 1 alternates every call.
 * Targets: each Wasm runtime's warm p99 at most 3x its median (no tail), and `wasm-p1` at
 * most 1.5x the bare script's median. Last, how often each runtime's worker collects its
 * whole heap during warm runs (gc-probe.ts): what makes the tail when it is often; and the
 * floor under any warm run on a worker, a round trip to a worker that runs nothing
 * (handoff-floor.ts), measured between the rounds.
 * Usage: node dist/source/benchmarks/wasm-bench.js [--n 10000] [--block 50] [--cold 50] [--soak 10000]
 *        [--function hello] [--check]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { median, quantile, sortAscending } from '../core/stats.js';
import { Engine } from '../engine/engine.js';
import '../runtimes/wasm/quiet-wasi-warning.js';
import { barePreview1 } from './bare-preview1.js';
import { type Collections, workerCollections } from './gc-probe.js';
import { handoffFloor } from './handoff-floor.js';
import { finishTargets, recordTarget } from './targets.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '10000' },
    block: { type: 'string', default: '50' },
    cold: { type: 'string', default: '50' },
    soak: { type: 'string', default: '10000' },
    function: { type: 'string', default: 'hello' },
    check: { type: 'boolean', default: false },
  },
});
const n = Number(values.n);
const coldN = Number(values.cold);
const soakN = Number(values.soak);
const name = values.function as string;
const loadAtStart = loadavg();

const engine = new Engine();
const fn = engine.fn(name);
const input = fn.manifest.input.example;
const bare = barePreview1(fn.wasmPath);
const hrMs = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function sample(runtime: 'wasm' | 'wasm-p1', mode: 'cold' | 'warm'): Promise<number> {
  const result = await engine.invoke(name, runtime, { input, mode });
  if (!result.ok) throw new Error(`${runtime} ${mode}: ${result.error}`);
  return result.timings.totalMs;
}

// Warm-up: deploy, boot workers, compile, let the JIT settle.
for (let i = 0; i < 200; i++) {
  await sample('wasm', 'warm');
  await sample('wasm-p1', 'warm');
  bare(input);
}

const warm = { wasm: [] as number[], 'wasm-p1': [] as number[], bare: [] as number[] };
const floors: number[][] = [];
const block = Math.max(1, Number(values.block));
for (let done = 0; done < n; done += block) {
  const calls = Math.min(block, n - done);
  for (let i = 0; i < calls; i++) warm.wasm.push(await sample('wasm', 'warm'));
  for (let i = 0; i < calls; i++) warm['wasm-p1'].push(await sample('wasm-p1', 'warm'));
  for (let i = 0; i < calls; i++) {
    const start = process.hrtime.bigint();
    bare(input);
    warm.bare.push(hrMs(start));
  }
  // The hop alone, a few times over the run so that it sees the same machine as the rounds.
  if ((done / block) % 20 === 0) {
    const floor = await handoffFloor(block * 4, 100);
    floors.push([floor.p50Ms, floor.p99Ms]);
  }
}
const cold = { wasm: [] as number[], 'wasm-p1': [] as number[] };
for (let i = 0; i < coldN; i++) {
  cold.wasm.push(await sample('wasm', 'cold'));
  cold['wasm-p1'].push(await sample('wasm-p1', 'cold'));
}

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
/** Resident memory before and after soakN warm calls, then after as many again (a leak keeps growing). */
async function soak(runtime: 'wasm' | 'wasm-p1') {
  const before = mib(process.memoryUsage().rss);
  for (let i = 0; i < soakN; i++) await sample(runtime, 'warm');
  const after = mib(process.memoryUsage().rss);
  for (let i = 0; i < soakN; i++) await sample(runtime, 'warm');
  return { before, after, afterTwice: mib(process.memoryUsage().rss) };
}
const rss = { calls: soakN, wasm: await soak('wasm'), 'wasm-p1': await soak('wasm-p1') };
await engine.close();
/** The cause of a warm tail, counted: collections of the worker's heap per 1,000 runs. */
const collectionsPer1000 = {
  wasm: await workerCollections('wasm', 5000),
  'wasm-p1': await workerCollections('wasm-p1', 5000),
};

/** Median and tail of one set of samples, in ms. */
function spread(samples: number[]) {
  const sorted = sortAscending(samples);
  const at = (p: number) => quantile(sorted, p) ?? Number.NaN;
  const p50 = median(sorted) ?? Number.NaN;
  return {
    n: sorted.length,
    p50,
    p95: at(0.95),
    p99: at(0.99),
    max: at(1),
    p99OverP50: at(0.99) / p50,
  };
}
const m = (values: number[]) => median(sortAscending(values)) ?? Number.NaN;
const fmt = (x: number) => x.toFixed(3);
const tails = {
  wasm: spread(warm.wasm),
  'wasm-p1': spread(warm['wasm-p1']),
  bare: spread(warm.bare),
};
const floorMs = {
  p50: m(floors.map(([p50]) => p50 as number)),
  p99: m(floors.map(([, p99]) => p99 as number)),
  measurements: floors.length,
};
const report = {
  function: name,
  warmMs: tails,
  warmMedianMs: {
    wasm: tails.wasm.p50,
    'wasm-p1': tails['wasm-p1'].p50,
    bareNodeWasi: tails.bare.p50,
  },
  wasmP1OverBare: tails['wasm-p1'].p50 / tails.bare.p50,
  /** A worker round trip that runs nothing (medians over the measurements). */
  handoffFloorMs: floorMs,
  coldMedianMs: { wasm: m(cold.wasm), 'wasm-p1': m(cold['wasm-p1']) },
  rssMiB: rss,
  workerCollectionsPer1000WarmRuns: collectionsPer1000,
  samples: { warm: n, warmBlock: block, cold: coldN },
  loadAverage: { atStart: loadAtStart, atEnd: loadavg() },
};
console.log(JSON.stringify(report, null, 2));
for (const [runtime, t] of Object.entries(tails)) {
  console.error(
    `warm ${name} ${runtime}: median ${fmt(t.p50)} ms, p95 ${fmt(t.p95)}, p99 ${fmt(t.p99)} (${t.p99OverP50.toFixed(2)}x the median), max ${fmt(t.max)}, n ${t.n}`,
  );
}
const collections = (c: Collections) => `${c.full.toFixed(1)} full, ${c.young.toFixed(1)} young`;
console.error(
  `collections of the worker's heap per 1,000 warm runs: wasm ${collections(collectionsPer1000.wasm)}; wasm-p1 ${collections(collectionsPer1000['wasm-p1'])}`,
);
console.error(
  `a worker round trip that runs nothing: median ${fmt(floorMs.p50)} ms, p99 ${fmt(floorMs.p99)}; wasm-p1 median - bare median = ${fmt(tails['wasm-p1'].p50 - tails.bare.p50)} ms`,
);
console.error(
  `wasm-p1/bare node:wasi ${report.wasmP1OverBare.toFixed(2)}x; load average ${loadAtStart.map((x) => x.toFixed(2)).join(' ')} at start`,
);
for (const runtime of ['wasm', 'wasm-p1'] as const) {
  recordTarget({
    name: `warm ${name} ${runtime} p99 over ${tails[runtime].n} calls`,
    value: tails[runtime].p99OverP50,
    unit: 'x',
    kind: 'atMost',
    limit: 3,
    against: `its own median, ${fmt(tails[runtime].p50)} ms`,
  });
}
recordTarget({
  name: `warm ${name} wasm-p1 median`,
  value: report.wasmP1OverBare,
  unit: 'x',
  kind: 'atMost',
  limit: 1.5,
  against: `the bare node:wasi script, ${fmt(tails.bare.p50)} ms`,
});
finishTargets();
