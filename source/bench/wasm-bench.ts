/**
 * Issue 2's figures, side by side in one run: warm and cold `hello` through `wasm` and
 * `wasm-p1`, the bare node:wasi yardstick, and resident memory around 10,000 warm calls.
 * Warm calls run in rounds of --block calls per runtime, the runtimes taking turns round after
 * round (A B A B at the round level): fair against drift, and each runtime stays as warm as a
 * platform under steady load keeps it. --block 1 alternates every call.
 * Usage: node dist/source/bench/wasm-bench.js [--n 2000] [--block 50] [--cold 50] [--soak 10000]
 *        [--function hello]
 */
import { parseArgs } from 'node:util';
import { median, sortAscending } from '../core/stats.js';
import { Engine } from '../engine/engine.js';
import '../runtimes/wasm/quiet-wasi-warning.js';
import { barePreview1 } from './bare-preview1.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    block: { type: 'string', default: '50' },
    cold: { type: 'string', default: '50' },
    soak: { type: 'string', default: '10000' },
    function: { type: 'string', default: 'hello' },
  },
});
const n = Number(values.n);
const coldN = Number(values.cold);
const soakN = Number(values.soak);
const name = values.function as string;

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

const m = (values: number[]) => median(sortAscending(values)) ?? Number.NaN;
const fmt = (x: number) => x.toFixed(3);
const report = {
  function: name,
  warmMedianMs: { wasm: m(warm.wasm), 'wasm-p1': m(warm['wasm-p1']), bareNodeWasi: m(warm.bare) },
  wasmP1OverBare: m(warm['wasm-p1']) / m(warm.bare),
  coldMedianMs: { wasm: m(cold.wasm), 'wasm-p1': m(cold['wasm-p1']) },
  rssMiB: rss,
  samples: { warm: n, warmBlock: block, cold: coldN },
};
console.log(JSON.stringify(report, null, 2));
console.error(
  `warm ${name}: wasm ${fmt(report.warmMedianMs.wasm)} ms, wasm-p1 ${fmt(report.warmMedianMs['wasm-p1'])} ms, bare node:wasi ${fmt(report.warmMedianMs.bareNodeWasi)} ms (wasm-p1/bare ${report.wasmP1OverBare.toFixed(2)}x)`,
);
await engine.close();
