/**
 * How often the Wasm worker's heap is collected during warm runs, in full and young
 * generation alone: the cause of the warm tail when it is often (runtimes/wasm/memory-pool.ts).
 * A child process runs the warm calls under V8's --trace-gc, which prints every collection of
 * every thread's heap; the main thread counts its own, and the rest are the worker's.
 * Usage (by wasm-bench): workerCollections('wasm-p1', 5000)
 */
import { spawn } from 'node:child_process';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { wasiNodeFlags } from '../core/node-support.js';
import { Engine } from '../engine/engine.js';

const MEASURING = 'gc-probe: measuring';
const SELF = fileURLToPath(import.meta.url);

export interface Collections {
  /** Full collections (mark-compact) of the worker's heap per 1,000 warm runs. */
  full: number;
  /** Young-generation collections (scavenges) of the worker's heap per 1,000 warm runs. */
  young: number;
}

/** Collections of the worker's heap per 1,000 warm runs of `hello` on the runtime. */
export async function workerCollections(runtime: string, runs: number): Promise<Collections> {
  const child = spawn(
    process.execPath,
    [...wasiNodeFlags(), '--trace-gc', SELF, '--probe', runtime, '--runs', String(runs)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the GC probe of ${runtime} exited with ${code}`);
  const measured = out.slice(out.indexOf(MEASURING));
  const full = measured.match(/Mark-Compact/g)?.length ?? 0;
  const young = measured.match(/Scavenge/g)?.length ?? 0;
  const main = /gc-probe: main (\d+) (\d+)/.exec(measured);
  if (!main) throw new Error(`the GC probe of ${runtime} printed no count`);
  const per1000 = (count: number) => (count * 1000) / runs;
  return { full: per1000(full - Number(main[1])), young: per1000(young - Number(main[2])) };
}

async function probe(runtime: string, runs: number): Promise<void> {
  const engine = new Engine();
  const call = async () => {
    const result = await engine.invoke('hello', runtime, { input: '', mode: 'warm' });
    if (!result.ok) throw new Error(`${runtime}: ${result.error}`);
  };
  for (let i = 0; i < 200; i++) await call();
  const main = { full: 0, young: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) main.full++;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) main.young++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  process.stdout.write(`${MEASURING}\n`);
  for (let i = 0; i < runs; i++) await call();
  await new Promise((resolve) => setImmediate(resolve));
  observer.disconnect();
  await engine.close();
  process.stdout.write(`gc-probe: main ${main.full} ${main.young}\n`);
}

if (process.argv[1] === SELF) {
  const { values } = parseArgs({
    options: { probe: { type: 'string' }, runs: { type: 'string', default: '5000' } },
  });
  if (values.probe) await probe(values.probe, Number(values.runs));
}
