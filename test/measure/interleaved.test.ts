/**
 * Idle measured beside each block, and blocks added until a precision is reached: the
 * measurement session on a virtual clock and a power trace (trace.ts), so figures are exact.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { experimentEnergy, splitExperiments } from '../../source/measure/attribute.js';
import { type IdleLayout, parseExperimentPlan } from '../../source/measure/plan.js';
import { runExperiment } from '../../source/measure/session.js';
import type { AnyRecord } from '../../source/session/records.js';
import { LOAD, type Load, TracePower, VirtualClock } from './trace.js';

const uWh = (joules: number) => (joules / 3600) * 1e6;
/** What one invocation costs above idle in LOAD: 1 W for 100 ms, 2 W for 250 ms. */
const TRUTH = { wasm: uWh(0.1), container: uWh(0.5) };

/** A power trace whose idle (and so everything) steps up by `step` W at `atS` seconds. */
async function run(
  idle: IdleLayout,
  options: {
    step?: number;
    atS?: number;
    noise?: number;
    runtimes?: string[];
    precision?: number;
    maxSeconds?: number;
  } = {},
) {
  const clock = new VirtualClock();
  const load: Load = { ...LOAD, watts: { ...LOAD.watts } };
  const power = new TracePower(clock, load);
  let readings = 0;
  if (options.noise) {
    // Deterministic noise: each reading off by up to ±noise W.
    const noise = options.noise;
    power.on('sample', (sample) => {
      sample.watts += noise * Math.sin(readings++ * 2.3);
    });
  }
  const step = options.step ?? 0;
  const stepNs = BigInt(Math.round((options.atS ?? 0) * 1e9));
  clock.onAdvance((_from, to) => {
    if (step > 0 && to >= stepNs && load.idleWatts === LOAD.idleWatts) {
      load.idleWatts += step;
      for (const key of Object.keys(load.watts))
        load.watts[key] = (load.watts[key] as number) + step;
    }
  });
  const plan = parseExperimentPlan({
    functions: [{ name: 'hello', inputs: [''] }],
    runtimes: options.runtimes ?? ['wasm', 'container'],
    modes: ['warm'],
    warmup: 1,
    energy: {
      blocks: 6,
      blockSeconds: 3,
      baselineSeconds: 5,
      idle,
      precision: options.precision ?? null,
      ...(options.maxSeconds ? { maxSeconds: options.maxSeconds } : {}),
    },
  });
  const log: AnyRecord[] = [];
  const outcome = await runExperiment(plan, {
    invoke: power.invoker(),
    power,
    clock,
    log: (record) => log.push(JSON.parse(JSON.stringify(record))),
    experimentId: 'exp-idle',
  });
  return { outcome, log, seconds: Number(clock.monoNs()) / 1e9 };
}

describe('idle beside each block', { timeout: 30_000 }, () => {
  it('measures idle after every block: A idle B idle ..., each block against both sides', async () => {
    const { outcome, log } = await run('interleaved');
    const order = log
      .filter((r) => r.type === 'block' || r.type === 'baseline')
      .map((r) => {
        const { runtime, index, phase } = r as { runtime?: string; index?: number; phase?: string };
        return r.type === 'block' ? `${runtime}#${index}` : `idle:${phase}`;
      });
    assert.deepEqual(order.slice(0, 6), [
      'idle:before',
      'wasm#0',
      'idle:between',
      'container#0',
      'idle:between',
      'wasm#1',
    ]);
    assert.equal(order.at(-1), 'idle:after');
    for (const cell of outcome.energy) {
      const runtime = cell.cell.includes('/wasm/') ? 'wasm' : 'container';
      assert.ok(Math.abs((cell.netMicroWhPerInvocation as number) - TRUTH[runtime]) < 1e-9);
      for (const block of cell.blocks) assert.equal(block.idleWatts, 3);
    }
    // The report recomputes the same figures from the log alone.
    const logged = splitExperiments(log)[0];
    const again = experimentEnergy('exp-idle', logged?.records ?? []);
    assert.equal(JSON.stringify(again.energy), JSON.stringify(outcome.energy));
  });

  it('a step in idle mid-run: net stays at the truth when interleaved, moves when not', async () => {
    const interleaved = await run('interleaved', { step: 0.5, atS: 40.5 });
    const around = await run('around', { step: 0.5, atS: 15.5 });
    for (const { outcome } of [interleaved, around]) {
      // Drift is still measured and flagged: idle went from 3 W to 3.5 W.
      assert.equal(outcome.idle?.flagged, true);
      assert.ok(Math.abs((outcome.idle?.drift as number) - 0.5 / 3) < 1e-9);
    }
    for (const cell of interleaved.outcome.energy) {
      const truth = cell.cell.includes('/wasm/') ? TRUTH.wasm : TRUTH.container;
      const net = cell.netMicroWhPerInvocation as number;
      assert.ok(Math.abs(net / truth - 1) < 1e-9, `interleaved net ${net} vs ${truth}`);
      assert.ok((cell.ci95.net.low as number) <= truth && truth <= (cell.ci95.net.high as number));
    }
    for (const cell of around.outcome.energy) {
      const truth = cell.cell.includes('/wasm/') ? TRUTH.wasm : TRUTH.container;
      const net = cell.netMicroWhPerInvocation as number;
      assert.ok(Math.abs(net / truth - 1) > 0.1, `around net ${net} vs ${truth}: it should move`);
    }
  });
});

describe('precision on request', { timeout: 60_000 }, () => {
  it('adds blocks until the net interval is within the precision, and says it was met', async () => {
    // One runtime: its net reaches about ±3.7% in 6 blocks of this trace.
    const plain = await run('interleaved', { noise: 0.2, runtimes: ['wasm'] });
    const asked = await run('interleaved', { noise: 0.2, runtimes: ['wasm'], precision: 0.02 });
    assert.equal(asked.outcome.energy.length, 1);
    for (const cell of plain.outcome.energy) {
      assert.equal(cell.blocks.length, 6);
      assert.equal(cell.precision.target, null);
      assert.equal(cell.precision.met, null);
      assert.ok((cell.precision.net as number) > 0.02, `6 blocks reach ${cell.precision.net}`);
    }
    for (const cell of asked.outcome.energy) {
      assert.ok(cell.blocks.length > 6, `${cell.blocks.length} blocks`);
      assert.equal(cell.precision.target, 0.02);
      assert.equal(cell.precision.met, true);
      assert.ok((cell.precision.net as number) <= 0.02);
      const { low, high } = cell.ci95.net;
      const net = cell.netMicroWhPerInvocation as number;
      assert.ok(
        Math.abs(((high as number) - (low as number)) / 2 / net - (cell.precision.net as number)) <
          1e-12,
      );
    }
    assert.ok(asked.seconds > plain.seconds);
  });

  it('stops at the time cap when the precision is out of reach, and says so', async () => {
    const { outcome, seconds } = await run('interleaved', {
      noise: 0.2,
      runtimes: ['wasm'],
      precision: 0.0001,
      maxSeconds: 120,
    });
    for (const cell of outcome.energy) {
      assert.equal(cell.precision.met, false);
      assert.match(
        cell.reason ?? '',
        /net reached ±\d+\.\d%, not the ±0\.0% asked for, before the time cap/,
      );
    }
    // 120 s of blocks and idle windows for the group, then the last round and idle after.
    assert.ok(seconds < 5 + 120 + 2 * 7 + 1 + 5 + 2, `${seconds} s`);
  });
});
