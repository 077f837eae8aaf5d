import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { experimentEnergy, splitExperiments } from '../../source/measure/attribute.js';
import { parseExperimentPlan } from '../../source/measure/plan.js';
import { runExperiment, type SessionEvent } from '../../source/measure/session.js';
import type { AnyRecord } from '../../source/session/records.js';
import { LOAD, TracePower, VirtualClock } from './trace.js';

const plan = parseExperimentPlan({
  functions: [{ name: 'hello', inputs: [''] }],
  runtimes: ['wasm', 'container'],
  modes: ['warm'],
  warmup: 1,
  energy: { blocks: 2, blockSeconds: 3, baselineSeconds: 5, idle: 'around' },
});

async function run(options: { planOverride?: typeof plan } = {}) {
  const clock = new VirtualClock();
  const power = new TracePower(clock, LOAD);
  const log: AnyRecord[] = [];
  const events: SessionEvent[] = [];
  const outcome = await runExperiment(options.planOverride ?? plan, {
    onEvent: (event) => events.push(event),
    invoke: power.invoker(),
    power,
    clock,
    log: (record) => log.push(JSON.parse(JSON.stringify(record))),
    experimentId: 'exp-test',
  });
  return { outcome, log, power, events };
}

describe('measurement session with energy', { timeout: 10_000 }, () => {
  it('runs blocks A B A B with idle before and after, and exact figures', async () => {
    const { outcome, log, events } = await run();
    const blocks = log.filter((r) => r.type === 'block') as unknown as Array<{
      runtime: string;
      index: number;
      invocations: number;
      startNs: string;
      endNs: string;
    }>;
    assert.deepEqual(
      blocks.map((b) => `${b.runtime}#${b.index}`),
      ['wasm#0', 'container#0', 'wasm#1', 'container#1'],
    );
    // 3 s of 100 ms invocations: 30; of 250 ms: 12; the window ends with the last one.
    assert.deepEqual(
      blocks.map((b) => b.invocations),
      [30, 12, 30, 12],
    );
    const totals = events.flatMap((e) => (e.type === 'block' ? [`${e.done}/${e.total}`] : []));
    assert.deepEqual(totals, ['1/4', '2/4', '3/4', '4/4']);
    const baselines = log
      .filter((r) => r.type === 'baseline')
      .map((r) => (r as { phase?: string }).phase);
    assert.deepEqual(baselines, ['before', 'after']);
    assert.equal(outcome.idle?.idleWatts, 3);
    assert.equal(outcome.idle?.drift, 0);
    assert.equal(outcome.idle?.flagged, false);
    const [wasm, container] = outcome.energy;
    assert.equal(wasm?.cell, 'hello/wasm/warm/""');
    // wasm block 0 runs from 5.35 s (one warm-up each first: 0.1 + 0.25 s) to 8.35 s. Readings
    // inside: 6, 7, 8 s at 4 W, held up to the edges (the 3 W idle reading at 5 s and the
    // container's 5 W at 9 s are not this block's): 4 W x 3 s = 12 J over 30 invocations; net
    // of 3 W idle (before and after, after a settling second): (12 - 9) / 30 J.
    const uWh = (joules: number) => (joules / 3600) * 1e6;
    const near = (actual: number | null | undefined, expected: number) =>
      assert.ok(Math.abs((actual as number) - expected) < 1e-9, `${actual} != ${expected}`);
    const block0 = wasm?.blocks[0];
    assert.equal(block0?.readings, 3);
    near(block0?.seconds, 3);
    near(block0?.meanWatts, 4);
    near(block0?.grossMicroWhPerInvocation, uWh(12 / 30));
    near(block0?.netMicroWhPerInvocation, uWh(3 / 30));
    assert.equal(wasm?.invocations, 60);
    assert.equal(container?.invocations, 24);
    // The cell's figure is the median of its two blocks (their mean).
    near(
      wasm?.grossMicroWhPerInvocation,
      ((block0?.grossMicroWhPerInvocation as number) +
        (wasm?.blocks[1]?.grossMicroWhPerInvocation as number)) /
        2,
    );
    // The thesis's method: only invocations with a reading inside count (6 of 60 for wasm:
    // 100 ms each, a reading a second), 4 W x 0.1 s each, gross.
    assert.equal(wasm?.thesis.invocations, 6);
    assert.equal(wasm?.thesis.dropped, 54);
    near(wasm?.thesis.grossMicroWhPerInvocation, uWh(0.4));
    near(container?.thesis.grossMicroWhPerInvocation, uWh(1.25));
    // Two blocks: no 95% interval of the median, and it says why.
    assert.equal(wasm?.ci95.net.low, null);
    assert.match(wasm?.ci95.reason ?? '', /needs 6 blocks/);
  });

  it('the log alone gives the same figures, to the byte', async () => {
    const { outcome, log } = await run();
    const [logged] = splitExperiments(log);
    assert.ok(logged?.ended);
    const again = experimentEnergy('exp-test', logged?.records ?? []);
    assert.equal(JSON.stringify(again.energy), JSON.stringify(outcome.energy));
    assert.equal(JSON.stringify(again.idle), JSON.stringify(outcome.idle));
    const energyRecords = log
      .filter((r) => r.type === 'energy')
      .map(({ type: _t, ...rest }) => rest);
    assert.equal(JSON.stringify(energyRecords), JSON.stringify(outcome.energy));
  });

  it('sizes blocks from the measured reading interval when none is given', async () => {
    const sized = parseExperimentPlan({ ...plan, energy: { blocks: 1, baselineSeconds: 5 } });
    const { outcome } = await run({ planOverride: sized });
    assert.equal(outcome.intervalS, 1);
    assert.equal(outcome.blockSeconds, 11);
    for (const cell of outcome.energy) assert.ok((cell.blocks[0]?.readings ?? 0) >= 10);
  });

  it('a block too short for the readings gives no figure and says how long it must be', async () => {
    const short = parseExperimentPlan({
      ...plan,
      energy: { blocks: 1, blockSeconds: 1, baselineSeconds: 5 },
    });
    const { outcome } = await run({ planOverride: short });
    const [wasm] = outcome.energy;
    assert.equal(wasm?.grossMicroWhPerInvocation, null);
    assert.match(wasm?.reason ?? '', /must last at least 4 s/);
  });
});
