/** The ETA: what is left of the estimate, scaled by how the run so far compares with it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunTiming } from '../../source/cli/commands/bench-estimate.js';
import { type ProgressEvent, showProgress } from '../../source/cli/progress-line.js';
import type { StepRecord } from '../../source/core/plan.js';
import { CostBook } from '../../source/measure/cost-model.js';
import { estimateCounted, estimateEnergy } from '../../source/measure/estimate.js';
import { EtaTracker } from '../../source/measure/eta.js';
import { parseExperimentPlan } from '../../source/measure/plan.js';
import { fakeResult } from '../experiment/fake-invoke.js';
import { VirtualClock } from '../measure/trace.js';

const plan = parseExperimentPlan({
  functions: [{ name: 'hello', inputs: ['x'] }],
  runtimes: ['wasm', 'container'],
  modes: ['cold'],
  repetitions: 2,
  warmup: 0,
});

/** wasm 1 s, container 3 s an invocation: the steps end at 1, 4, 5 and 8 s of the estimate. */
function estimate() {
  const book = new CostBook();
  book.add({ function: 'hello', runtime: 'wasm', mode: 'cold' }, 'x', 1, 'logs', 'a');
  book.add({ function: 'hello', runtime: 'container', mode: 'cold' }, 'x', 3, 'logs', 'a');
  return estimateCounted(plan, book);
}

function invocation(step: number, runtime: 'wasm' | 'container'): ProgressEvent {
  const cell = { function: 'hello', runtime, mode: 'cold' as const, input: 'x' };
  const record: StepRecord = {
    experiment: 'e',
    step,
    cell: 'c',
    warmup: false,
    repetition: Math.floor(step / 2),
    at: 0,
    result: fakeResult(cell, 2),
  };
  return { type: 'invocation', record, done: step + 1 };
}

describe('the ETA', () => {
  it('scales what is left of the estimate by the run so far', () => {
    const eta = new EtaTracker(estimate());
    assert.equal(eta.eta(0).remainingS, null, 'nothing before the start');
    eta.event({ type: 'start', experiment: 'e', energy: false, total: 4 }, 0);
    assert.deepEqual(eta.eta(1000), { elapsedS: 1, remainingS: null });
    // The first step, estimated 1 s, took 2 s: the 7 s left take 14.
    eta.event(invocation(0, 'wasm') as never, 2000);
    assert.deepEqual(eta.eta(2000), { elapsedS: 2, remainingS: 14 });
    // After the container's 3 s (estimated) at 8 s: 4 s left of the estimate, twice that.
    eta.event(invocation(1, 'container') as never, 8000);
    assert.deepEqual(eta.eta(8000), { elapsedS: 8, remainingS: 8 });
    assert.deepEqual(eta.eta(10_000), { elapsedS: 10, remainingS: 6 });
  });

  it('counts steps alike without an estimate, and blocks with energy', () => {
    const steps = new EtaTracker(null);
    steps.event({ type: 'start', experiment: 'e', energy: false, total: 4 }, 0);
    steps.event(invocation(0, 'wasm') as never, 3000);
    assert.equal(steps.eta(3000).remainingS, 9);
    const energyPlan = parseExperimentPlan({
      functions: [{ name: 'hello', inputs: ['x'] }],
      runtimes: ['wasm', 'container'],
      modes: ['warm'],
      energy: { blocks: 2, blockSeconds: 10, baselineSeconds: 10, idle: 'around' },
    });
    // 10 s idle, 4 blocks of 10 s, 1 + 10 s after: 61 s.
    const blocks = new EtaTracker(estimateEnergy(energyPlan, 1));
    blocks.event({ type: 'start', experiment: 'e', energy: true, total: 4 }, 0);
    blocks.event(invocation(0, 'wasm') as never, 5000);
    assert.equal(blocks.eta(5000).remainingS, null, 'an invocation of a block is not progress');
    const block = {
      type: 'block' as const,
      block: {} as never,
      done: 1,
      total: 4,
    };
    // 20 s of the estimate (idle and one block) took 20 s: 41 s left.
    blocks.event(block, 20_000);
    assert.equal(blocks.eta(20_000).remainingS, 41);
  });

  it('shows on the progress line after the count', () => {
    let written = '';
    const out = {
      columns: 200,
      write: (text: string) => {
        written += text;
        return true;
      },
    } as unknown as NodeJS.WriteStream;
    let now = 0;
    const show = showProgress(
      out,
      () => 'log 1.0 MB',
      new EtaTracker(estimate()),
      () => now,
    );
    show({ type: 'start', experiment: 'e', energy: false, total: 4 });
    now = 2000;
    show(invocation(0, 'wasm'));
    assert.match(written, /\[1\/4 ETA 14 s\] log 1\.0 MB \| hello wasm cold "x" #1: 2\.000 ms$/);
    now = 8000;
    show(invocation(1, 'container'));
    assert.match(written, /\[2\/4 ETA 8\.0 s\] log 1\.0 MB \| hello container cold "x" #1/);
  });
});

describe("the run's duration against its estimate", () => {
  it('counts from the first invocation, and says the deployed sizes measured before it apart', () => {
    const clock = new VirtualClock();
    const timing = new RunTiming(clock);
    clock.advance(30_000_000_000n); // docker save | gzip of the images
    timing.event({ type: 'start', experiment: 'e', energy: false, total: 4 });
    clock.advance(10_000_000_000n);
    assert.equal(
      timing.line(estimate(), false),
      'took 10 s; estimated 8.0 s (1.25 times the estimate); before it, 30 s measuring the deployed sizes (not estimated)',
    );
    const stopped = new RunTiming(clock);
    stopped.event({ type: 'start', experiment: 'e', energy: false, total: 4 });
    clock.advance(2_000_000_000n);
    assert.equal(stopped.line(estimate(), true), 'stopped after 2.0 s; estimated 8.0 s');
  });
});
