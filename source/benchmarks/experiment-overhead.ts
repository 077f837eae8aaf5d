/**
 * What the experiment runner and its session log add to each invocation, compared with
 * calling the same invoke function directly in a loop (target: under 20 microseconds).
 *  1. no-op invoke (returns a ready result): the runner's and the log's own cost, exactly;
 *  2. the real wasm-p1 runtime, warm hello: the same comparison where the runtime's noise
 *     (hundreds of microseconds) is in the way, so read it as "no visible difference".
 * Rounds alternate direct / runner / runner+log so a drift of the machine hits all alike.
 * Usage: node dist/source/benchmarks/experiment-overhead.js   (Node 20/22: add --no-turbo-fast-api-calls)
 *        [--invocations 20000] [--rounds 7] [--real 50] [--real-rounds 30] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { InvocationResult } from '../core/invocation.js';
import { buildPlan, type Cell } from '../core/plan.js';
import { median, sortAscending } from '../core/stats.js';
import { Engine } from '../engine/engine.js';
import { engineInvoke } from '../experiment/engine-invoke.js';
import { ExperimentRunner, type InvokeFn } from '../experiment/runner.js';
import { SessionLog } from '../session/session-log.js';

const { values } = parseArgs({
  options: {
    invocations: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '7' },
    real: { type: 'string', default: '50' },
    'real-rounds': { type: 'string', default: '30' },
    json: { type: 'boolean', default: false },
  },
});

const dir = mkdtempSync(join(tmpdir(), 'nebula-overhead-'));

type Way = 'direct' | 'runner' | 'runner+log';
const WAYS: Way[] = ['direct', 'runner', 'runner+log'];

interface Cost {
  /** Wall-clock µs per invocation. */
  wall: number;
  /** CPU µs (user + system) of this process per invocation: less hit by other processes. */
  cpu: number;
}

function stopwatch(count: number): () => Cost {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return {
      wall: Number(process.hrtime.bigint() - wall) / 1e3 / count,
      cpu: (used.user + used.system) / count,
    };
  };
}

/** Cost per invocation of one round of `count` invocations of `cell`. */
async function round(way: Way, invoke: InvokeFn, cell: Cell, count: number): Promise<Cost> {
  const signal = new AbortController().signal;
  if (way === 'direct') {
    const stop = stopwatch(count);
    for (let i = 0; i < count; i++) await invoke(cell, signal);
    return stop();
  }
  const plan = buildPlan({
    functions: [{ name: cell.function, inputs: [cell.input] }],
    runtimes: [cell.runtime],
    modes: [cell.mode],
    repetitions: count,
    warmup: 0,
  });
  const runner = new ExperimentRunner(plan, { invoke });
  const log = way === 'runner+log' ? SessionLog.open(join(dir, `${way}.jsonl`)) : null;
  if (log) runner.on('record', ({ record }) => log.appendStep(record));
  const stop = stopwatch(count);
  await runner.run();
  const cost = stop();
  log?.close();
  return cost;
}

async function compare(invoke: InvokeFn, cell: Cell, count: number, rounds: number) {
  const samples: Record<Way, Cost[]> = { direct: [], runner: [], 'runner+log': [] };
  await round('runner+log', invoke, cell, Math.min(count, 200)); // warm the JIT and the caches
  for (let r = 0; r < rounds; r++) {
    for (const way of WAYS) samples[way].push(await round(way, invoke, cell, count));
  }
  const med = (way: Way, of: keyof Cost = 'wall') =>
    median(sortAscending(samples[way].map((cost) => cost[of]))) as number;
  return {
    function: cell.function,
    runtime: cell.runtime,
    invocationsPerRound: count,
    rounds,
    directUs: med('direct'),
    runnerUs: med('runner'),
    runnerAndLogUs: med('runner+log'),
    addedByRunnerUs: med('runner') - med('direct'),
    addedByRunnerAndLogUs: med('runner+log') - med('direct'),
    addedCpuByRunnerUs: med('runner', 'cpu') - med('direct', 'cpu'),
    addedCpuByRunnerAndLogUs: med('runner+log', 'cpu') - med('direct', 'cpu'),
  };
}

const noopCell: Cell = { function: 'hello', runtime: 'wasm-p1', mode: 'warm', input: '' };
const ready: InvocationResult = {
  ...noopCell,
  ok: true,
  output: 'hello\n',
  error: null,
  failure: null,
  exitCode: 0,
  stderr: '',
  timings: { startupMs: 0.31, execMs: 0.05, teardownMs: 0.08, totalMs: 0.44 },
  acceptedAtNs: '123456789012345',
};
const noop: InvokeFn = async () => ready;

const rounds = Number(values.rounds);
const rows = [
  await compare(noop, { ...noopCell, function: 'no-op' }, Number(values.invocations), rounds),
];
const engine = new Engine();
try {
  if (Number(values.real) < 1) throw new Error('--real 0');
  rows.push(
    await compare(
      engineInvoke(engine),
      noopCell,
      Number(values.real),
      Number(values['real-rounds']),
    ),
  );
} catch (error) {
  process.stderr.write(`real runtime skipped: ${(error as Error).message}\n`);
} finally {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}

// A loaded machine inflates every figure alike; say how loaded it was.
const loadAverage = loadavg()[0];
if (values.json) {
  process.stdout.write(`${JSON.stringify({ experimentOverhead: rows, loadAverage }, null, 2)}\n`);
} else {
  const us = (value: number) => value.toFixed(2).padStart(9);
  process.stdout.write(
    `experiment overhead per invocation, µs (median of rounds; target: added < 20); load average ${loadAverage?.toFixed(2)}\n` +
      'invoke             direct   runner  +log     added(runner) added(runner+log)  added CPU: runner +log\n',
  );
  for (const row of rows) {
    const name = `${row.function}/${row.runtime}`.padEnd(16);
    process.stdout.write(
      `${name}${us(row.directUs)}${us(row.runnerUs)}${us(row.runnerAndLogUs)}${us(row.addedByRunnerUs)}     ${us(row.addedByRunnerAndLogUs)}     ${us(row.addedCpuByRunnerUs)}${us(row.addedCpuByRunnerAndLogUs)}\n`,
    );
  }
}
