/**
 * A plan's duration before it runs: from committed session logs whose gaps are known exactly
 * (test/fixtures/estimate: factorial at 0 and 20 on wasm and container with a 100 ms pause,
 * hello warm in two blocks of an energy run, and another machine's slower log), from a
 * calibration on a fake engine with a virtual clock, and an energy plan from its blocks.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { InvocationEngine } from '../../source/engine/invocation-engine.js';
import {
  calibrate,
  calibrationInputs,
  calibrationInvocations,
} from '../../source/measure/calibrate.js';
import { costsFromLogs, type MachineMatch } from '../../source/measure/cost-from-logs.js';
import { CostBook, growthModel } from '../../source/measure/cost-model.js';
import {
  estimateCounted,
  estimateEnergy,
  estimateLines,
  formatDuration,
  laneUses,
} from '../../source/measure/estimate.js';
import { parseExperimentPlan } from '../../source/measure/plan.js';
import { fakeHere, invokeOnly } from '../engine-stubs.js';
import { VirtualClock } from './trace.js';

const fixtures = new URL('../../../test/fixtures/estimate/', import.meta.url).pathname;
const THIS_MACHINE = join(fixtures, '2026-01-01T00-00-00Z-local.jsonl');
const OTHER_MACHINE = join(fixtures, '2026-01-02T00-00-00Z-local.jsonl');
const machine: MachineMatch = {
  profile: 'local',
  hostname: 'estimate-fixture',
  arch: 'x64',
  cpuModel: 'Fixture CPU @ 2.0GHz',
  cores: 2,
};

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual}, expected ${expected}`);

const factorialPlan = parseExperimentPlan({
  functions: [{ name: 'factorial', inputs: ['0', '10', '20', '40'] }],
  runtimes: ['wasm', 'container'],
  modes: ['cold'],
  repetitions: 2,
  warmup: 0,
  pauseMs: 50,
});

describe('the estimate from earlier session logs', () => {
  it('prices seen inputs, interpolates and extrapolates by the growth model, adds the pauses', async () => {
    const found = await costsFromLogs([OTHER_MACHINE, THIS_MACHINE], machine);
    assert.deepEqual(found.read, [OTHER_MACHINE, THIS_MACHINE]);
    assert.deepEqual(found.matched, [THIS_MACHINE], "the other machine's log gives nothing");
    const estimate = estimateCounted(factorialPlan, found.book);
    // factorial grows as n^2: between 0 and 20, input 10 is a quarter of the way (100/400);
    // at 40 the slope per n^2 from 0 and 20 goes on (1600 - 400 further).
    // wasm: 0.01, 0.015, 0.03, 0.09; container: 0.3, 0.35, 0.5, 1.1; twice each, 15 pauses.
    close(
      estimate.seconds,
      2 * (0.01 + 0.015 + 0.03 + 0.09 + 0.3 + 0.35 + 0.5 + 1.1) + 15 * 0.05,
      'seconds',
    );
    assert.equal(estimate.invocations, 16);
    close(estimate.cumulative[0] as number, 0.01, 'after the first step');
    close(estimate.cumulative[1] as number, 0.01 + 0.05 + 0.3, 'after the second');
    close(estimate.cumulative[15] as number, estimate.seconds, 'after the last');
    const [wasm, container] = estimate.lanes;
    assert.equal(wasm?.origin, 'logs');
    assert.deepEqual(wasm?.seen, ['0', '20']);
    assert.deepEqual(container?.extrapolated, ['40']);
    const lines = estimateLines(estimate, factorialPlan).join('\n');
    assert.match(lines, /^estimated duration: 5\.5 s \(16 invocations and their 50 ms pauses/);
    assert.match(
      lines,
      /factorial on container, cold: 4\.5 s for 8, from 1 earlier session on this machine \(inputs 0 and 20 seen\); input 40 past those seen, extrapolated: grows as n\^2/,
    );
  });

  it('takes energy runs back to back within a block only, not across the idle between blocks', async () => {
    const { book } = await costsFromLogs([THIS_MACHINE], machine);
    const plan = parseExperimentPlan({
      functions: [{ name: 'hello', inputs: [''] }],
      runtimes: ['wasm'],
      modes: ['warm'],
      repetitions: 100,
      warmup: 0,
    });
    close(estimateCounted(plan, book).seconds, 100 * 0.002, 'hello warm');
  });

  it('reads only the newest logs it is allowed, and another machine prices nothing', async () => {
    const bounded = await costsFromLogs([OTHER_MACHINE, THIS_MACHINE], machine, {
      logs: 1,
      invocations: 1000,
    });
    assert.equal(bounded.bounded, true);
    assert.deepEqual(bounded.matched, []);
    const estimate = estimateCounted(factorialPlan, bounded.book);
    close(estimate.seconds, 15 * 0.05, 'the pauses alone');
    assert.equal(estimate.unpriced, 2);
    const lines = estimateLines(estimate, factorialPlan).join('\n');
    assert.match(lines, /^estimated duration: unknown, 2 of 2 lanes unpriced; 0\.8 s for the rest/);
    assert.match(lines, /factorial on wasm, cold: 0\.0 s for 8, unpriced \(no earlier session/);
  });
});

describe('a calibration', () => {
  /** factorial costs 4 ms + n^2 us on wasm and 200 ms + n^2 x 10 us in a container. */
  const costNs = (runtime: string, input: string) =>
    BigInt(
      runtime === 'wasm'
        ? 4_000_000 + Number(input) ** 2 * 1000
        : 200_000_000 + Number(input) ** 2 * 10_000,
    );

  function engineOn(clock: VirtualClock, seen: string[]) {
    const engine: InvocationEngine = {
      catalog: { functions: [], problems: [] },
      fn: () => {
        throw new Error('not asked');
      },
      invoke: async (fn, runtime, request) => {
        seen.push(`${runtime}(${request.input})`);
        const acceptedAtNs = clock.monoNs().toString();
        clock.advance(costNs(runtime, request.input));
        return {
          function: fn,
          runtime: runtime as 'wasm',
          mode: request.mode,
          input: request.input,
          ok: true,
          output: '1',
          error: null,
          failure: null,
          exitCode: 0,
          stderr: '',
          timings: { startupMs: 1, execMs: 1, teardownMs: 0, totalMs: 2 },
          acceptedAtNs,
        };
      },
      on: () => undefined,
      off: () => undefined,
      close: async () => {},
      ...invokeOnly,
    };
    return fakeHere(engine);
  }

  const plan = parseExperimentPlan({
    functions: [
      {
        name: 'factorial',
        inputs: ['0', '10', '20', '30', '40', '50', '60', '70', '80', '90', '100'],
      },
    ],
    runtimes: ['wasm', 'container'],
    modes: ['cold'],
    repetitions: 1,
    warmup: 0,
  });

  it('runs the smallest, middle and largest inputs of each lane, and prices the plan from them', async () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    const engine = engineOn(clock, seen);
    const book = new CostBook();
    const said: string[] = [];
    await calibrate(laneUses(plan), book, {
      run: (calibration, options) => engine.runExperiment(calibration, { ...options, clock }),
      clock,
      budgetS: 30,
      say: (line) => said.push(line),
    });
    assert.deepEqual(seen, [
      'wasm(0)',
      'container(0)',
      'wasm(0)',
      'container(0)',
      'wasm(50)',
      'container(50)',
      'wasm(50)',
      'container(50)',
      'wasm(100)',
      'container(100)',
      'wasm(100)',
      'container(100)',
    ]);
    assert.match(
      said[0] as string,
      /^calibrating factorial on wasm, cold; factorial on container, cold: 2 each at 0, 50, 100 \(at most 30 s\)$/,
    );
    assert.match(said[1] as string, /^calibrated in 1\.5 s$/);
    // The cost is a + b n^2, which the n^2 model interpolates exactly: the sum of the true costs.
    const squares = 100 * 385; // 0^2 + 10^2 + ... + 100^2
    const estimate = estimateCounted(plan, book);
    close(estimate.seconds, 11 * 0.004 + squares * 1e-6 + 11 * 0.2 + squares * 1e-5, 'seconds');
    assert.equal(estimate.lanes[0]?.origin, 'calibration');
    assert.match(
      estimateLines(estimate, plan).join('\n'),
      /from a calibration \(inputs 0, 50 and 100\)/,
    );
  });

  it('is bounded in time: past its share it stops, and the inputs not reached are extrapolated', async () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    const engine = engineOn(clock, seen);
    const book = new CostBook();
    const said: string[] = [];
    await calibrate(laneUses(plan), book, {
      run: (calibration, options) => engine.runExperiment(calibration, { ...options, clock }),
      clock,
      budgetS: 0.5,
      say: (line) => said.push(line),
    });
    // 4 + 200 + 4 + 200 + 6.5 + 225 ms: past 0.5 s after container(50), stopped there.
    assert.deepEqual(seen, [
      'wasm(0)',
      'container(0)',
      'wasm(0)',
      'container(0)',
      'wasm(50)',
      'container(50)',
    ]);
    assert.match(
      said.at(-1) as string,
      /its time ran out, the inputs it did not reach are extrapolated/,
    );
    assert.deepEqual(
      book.describe({ function: 'factorial', runtime: 'container', mode: 'cold' })?.inputs,
      ['0', '50'],
    );
  });

  it('picks the smallest, middle and largest inputs, numbers by value', () => {
    assert.deepEqual(calibrationInputs(['10', '2', '30', '4']), ['2', '4', '30']);
    assert.deepEqual(calibrationInputs(['a']), ['a']);
    assert.deepEqual(calibrationInputs(['5', '5']), ['5']);
    // 11 inputs, 3 of them run: twice each cold, a warm-up and 3 each warm.
    assert.equal(calibrationInvocations(laneUses(plan)), 2 * 3 * 2);
  });
});

describe('an energy plan', () => {
  const plan = (energy: object) =>
    parseExperimentPlan({
      functions: [{ name: 'hello', inputs: ['a', 'b', 'c'] }],
      runtimes: ['wasm', 'container'],
      modes: ['warm'],
      energy,
    });

  it('lasts its blocks, the idle beside each, and the baselines', () => {
    // 10 s idle, 3 groups x 2 runtimes x 6 blocks of (10 s + 1 s settle + 10 s idle), 1 + 10 s.
    const estimate = estimateEnergy(plan({ blocks: 6, blockSeconds: 10, baselineSeconds: 10 }), 1);
    assert.equal(estimate.seconds, 10 + 3 * 2 * 6 * 21 + 11);
    assert.equal(estimate.maxSeconds, null);
    assert.equal(estimate.afterBlocks(2), 10 + 2 * 21);
    const around = estimateEnergy(
      plan({ blocks: 6, blockSeconds: 10, baselineSeconds: 10, idle: 'around' }),
      1,
    );
    assert.equal(around.seconds, 10 + 3 * 2 * 6 * 10 + 11);
  });

  it('sizes blocks from the reading interval when the plan does not, and says a precision caps it', () => {
    const sized = estimateEnergy(plan({ blocks: 2, baselineSeconds: 0 }), 2);
    assert.equal(sized.blockSeconds, 22); // 11 readings at 2 s
    const precise = plan({
      blocks: 6,
      blockSeconds: 10,
      baselineSeconds: 10,
      precision: 0.05,
      maxSeconds: 600,
    });
    const estimate = estimateEnergy(precise, 1);
    // A round is 2 x 21 s; a group adds rounds until 600 s have passed: 15 rounds at most.
    assert.equal(estimate.maxSeconds, 10 + 3 * 15 * 42 + 11);
    const [head] = estimateLines(estimate, precise);
    assert.match(
      head as string,
      /at least 12 min 57 s, at most 31 min 51 s \(--precision adds blocks until reached, each group of cells capped at 10 min 00 s: --max-minutes\)/,
    );
  });
});

describe('growth models', () => {
  it("are the functions' own, in every language and indexing, and constant for the rest", () => {
    assert.equal(growthModel('c-fibonacci-recursive').says, 'grows as 1.618^n');
    assert.equal(growthModel('as-prime-number').says, 'grows as (n ln n)^1.5');
    assert.equal(growthModel('prime-number-thesis').says, 'grows as (n ln n)^1.5');
    assert.equal(growthModel('factorial').grows, true);
    assert.equal(growthModel('exponential').grows, false);
    assert.equal(growthModel('hello').grows, false);
  });
});

describe('durations for people', () => {
  it('reads as seconds, minutes, hours or days', () => {
    assert.equal(formatDuration(0.04), '0.0 s');
    assert.equal(formatDuration(4.26), '4.3 s');
    assert.equal(formatDuration(42.4), '42 s');
    assert.equal(formatDuration(59.6), '1 min 00 s');
    assert.equal(formatDuration(200), '3 min 20 s');
    assert.equal(formatDuration(7500), '2 h 05 min');
    assert.equal(formatDuration(3 * 86400 + 4 * 3600), '3 d 4 h');
    assert.equal(formatDuration(Number.NaN), '?');
  });
});
