import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StepRecord } from '../../source/core/plan.js';
import { buildPlan, type Cell } from '../../source/core/plan.js';
import { summarizeInvocations } from '../../source/experiment/results.js';
import { ExperimentRunner } from '../../source/experiment/runner.js';
import { fakeResult, recordingInvoke } from './fake-invoke.js';

const plan = buildPlan({
  functions: [{ name: 'fib', inputs: ['10'] }],
  runtimes: ['wasm', 'wasm-p1', 'container'],
  modes: ['cold'],
  repetitions: 3,
  warmup: 1,
});
const clock = () => {
  let t = 1000;
  return { now: () => t++ };
};

describe('experiment runner', { timeout: 10000 }, () => {
  it('invokes in the interleaved order of the plan and flags warm-ups', async () => {
    const { calls, invoke } = recordingInvoke();
    const runner = new ExperimentRunner(plan, { invoke, clock: clock(), experimentId: 'e1' });
    const records = kept(runner);
    const outcome = await runner.run();
    assert.equal(outcome.finished, 12);
    assert.deepEqual(
      calls.map((c) => c.runtime),
      [
        'wasm',
        'wasm-p1',
        'container',
        'wasm',
        'wasm-p1',
        'container',
        'wasm',
        'wasm-p1',
        'container',
        'wasm',
        'wasm-p1',
        'container',
      ],
    );
    assert.equal(outcome.aborted, false);
    assert.equal(records.length, 12);
    assert.deepEqual(
      records.map((r) => r.warmup),
      [true, true, true, false, false, false, false, false, false, false, false, false],
    );
    assert.equal(records[0]?.cell, 'fib/wasm/cold/"10"');
    assert.equal(records[0]?.experiment, 'e1');
    assert.deepEqual(
      records.map((r) => r.at),
      records.map((_, i) => 1001 + 2 * i),
    );
  });

  it('emits start, one record event per invocation with progress, then done', async () => {
    const { invoke } = recordingInvoke();
    const runner = new ExperimentRunner(plan, { invoke, clock: clock() });
    const seen: string[] = [];
    runner.on('start', ({ total }) => seen.push(`start ${total}`));
    runner.on('record', ({ done, total }) => seen.push(`${done}/${total}`));
    runner.on('done', ({ finished }) => seen.push(`done ${finished}`));
    await runner.run();
    assert.equal(seen[0], 'start 12');
    assert.equal(seen[1], '1/12');
    assert.equal(seen[12], '12/12');
    assert.equal(seen[13], 'done 12');
  });

  it('pauses between invocations, not before the first', async () => {
    const { invoke } = recordingInvoke();
    const pauses: number[] = [];
    const sleep = async (ms: number) => {
      pauses.push(ms);
    };
    await new ExperimentRunner(plan, { invoke, pauseMs: 25, sleep }).run();
    assert.deepEqual(pauses, Array(11).fill(25));
  });

  it('stops at an abort and keeps every finished invocation', async () => {
    const controller = new AbortController();
    const calls: Cell[] = [];
    const invoke = async (cell: Cell, signal: AbortSignal) => {
      calls.push(cell);
      if (calls.length === 5) {
        controller.abort();
        assert.equal(signal.aborted, true);
        return { ...fakeResult(cell), ok: false, failure: 'aborted' as const };
      }
      return fakeResult(cell);
    };
    const runner = new ExperimentRunner(plan, { invoke, signal: controller.signal });
    const records = kept(runner);
    const outcome = await runner.run();
    assert.equal(outcome.finished, records.length);
    assert.equal(calls.length, 5);
    assert.equal(outcome.aborted, true);
    assert.equal(records.length, 4, 'the interrupted fifth invocation is not kept');
    assert.equal(outcome.planned, 12);
  });

  it('an abort during a pause stops before the next invocation', async () => {
    const controller = new AbortController();
    const { calls, invoke } = recordingInvoke();
    const sleep = async () => {
      if (calls.length === 2) controller.abort();
    };
    const runner = new ExperimentRunner(plan, {
      invoke,
      pauseMs: 10,
      sleep,
      signal: controller.signal,
    });
    const records = kept(runner);
    await runner.run();
    assert.equal(calls.length, 2);
    assert.equal(records.length, 2);
  });

  it('a runtime that throws gives a failed result and the run goes on', async () => {
    let count = 0;
    const invoke = async (cell: Cell) => {
      count++;
      if (cell.runtime === 'container') throw new Error('connect ENOENT /var/run/docker.sock');
      return fakeResult(cell);
    };
    const runner = new ExperimentRunner(plan, { invoke });
    const records = kept(runner);
    await runner.run();
    assert.equal(count, 12);
    const failed = records.filter((r) => !r.result.ok);
    assert.equal(failed.length, 4);
    assert.equal(failed[0]?.result.failure, 'engine');
    assert.match(failed[0]?.result.error ?? '', /docker.sock/);
    const { results } = summarizeInvocations(records);
    const container = results.find((r) => r.runtime === 'container');
    assert.equal(container?.n, 0);
    assert.equal(container?.failures, 3, 'the warm-up failure is not counted');
  });
});

/** What a listener of the runner keeps (the runner itself keeps nothing). */
function kept(runner: ExperimentRunner): StepRecord[] {
  const records: StepRecord[] = [];
  runner.on('record', ({ record }) => records.push(record));
  return records;
}
