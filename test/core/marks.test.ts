import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PHASES, phaseSamples, type Timings } from '../../source/core/invocation.js';
import { computeTimings, parseMarks } from '../../source/core/marks.js';
import { summarizeInvocations } from '../../source/experiment/results.js';

const ACCEPT = 1_000_000_000n;
const ms = (value: number) => ACCEPT + BigInt(Math.round(value * 1e6));
const sum = (t: Timings) =>
  t.startupMs + (t.inputMs ?? 0) + (t.execMs ?? 0) + (t.outputMs ?? 0) + (t.teardownMs ?? 0);

describe('timing marks', () => {
  it('parses the four marks and keeps every other stderr line', () => {
    const marks = parseMarks(
      '@nebula main_start 10\n@nebula input_read 20\nwarning: x\n' +
        '@nebula computed 30\n@nebula main_end 40\n@nebula other 50\n@nebula computed nope',
    );
    assert.deepEqual(
      [marks.mainStartNs, marks.inputReadNs, marks.computedNs, marks.mainEndNs],
      [10n, 20n, 30n, 40n],
    );
    assert.equal(marks.stderr, 'warning: x\n@nebula other 50\n@nebula computed nope');
  });

  it('splits a run into startup, input, compute, output and teardown', () => {
    const t = computeTimings(ACCEPT, ms(10), {
      mainStartNs: ms(2),
      inputReadNs: ms(3.5),
      computedNs: ms(7),
      mainEndNs: ms(7.25),
      thesisStartupEndNs: ms(1.5),
    });
    assert.deepEqual(t, {
      startupMs: 2,
      inputMs: 1.5,
      execMs: 3.5,
      outputMs: 0.25,
      teardownMs: 2.75,
      totalMs: 10,
      thesisStartupMs: 1.5,
      thesisRuntimeMs: 8.5,
    });
  });

  it('without input_read and computed (an old function) exec spans main_start to main_end', () => {
    const t = computeTimings(ACCEPT, ms(10), { mainStartNs: ms(2), mainEndNs: ms(7) });
    assert.equal(t.execMs, 5);
    assert.equal(t.inputMs, null);
    assert.equal(t.outputMs, null);
    assert.equal(t.thesisStartupMs, null);
    assert.equal(t.thesisRuntimeMs, null);
    assert.equal(sum(t), t.totalMs);
  });

  it('a run rejected after reading its input computes up to main_end and has no output', () => {
    const t = computeTimings(ACCEPT, ms(10), {
      mainStartNs: ms(2),
      inputReadNs: ms(3),
      computedNs: null,
      mainEndNs: ms(4),
    });
    assert.deepEqual([t.inputMs, t.execMs, t.outputMs, t.teardownMs], [1, 1, null, 6]);
    assert.equal(sum(t), t.totalMs);
  });

  it('a run that died computing runs until done, with no teardown invented: it is unknown', () => {
    const t = computeTimings(ACCEPT, ms(10), {
      mainStartNs: ms(2),
      inputReadNs: ms(3),
      computedNs: null,
      mainEndNs: null,
    });
    assert.deepEqual([t.execMs, t.outputMs, t.teardownMs], [7, null, null]);
    const never = computeTimings(ACCEPT, ms(10), { mainStartNs: null, mainEndNs: null });
    // A module that marks nothing: all of it is startup, its compute and teardown unknown.
    assert.deepEqual(
      [never.startupMs, never.execMs, never.inputMs, never.teardownMs],
      [10, null, null, null],
    );
  });

  it('old records without the new fields still summarise, each phase with its own n', () => {
    const old = { startupMs: 1, execMs: 2, teardownMs: 3, totalMs: 6 };
    const fresh = computeTimings(ACCEPT, ms(6), {
      mainStartNs: ms(1),
      inputReadNs: ms(1.5),
      computedNs: ms(2.5),
      mainEndNs: ms(3),
      thesisStartupEndNs: ms(1),
    });
    assert.deepEqual(phaseSamples([old, fresh], 'inputMs'), [0.5]);
    const result = (timings: Timings) => ({
      warmup: false,
      result: {
        function: 'hello',
        runtime: 'container' as const,
        mode: 'cold' as const,
        input: '',
        ok: true,
        output: '',
        error: null,
        failure: null,
        exitCode: 0,
        stderr: '',
        timings,
        acceptedAtNs: '0',
      },
    });
    const [cell] = summarizeInvocations([result(old), result(fresh)]).results;
    assert.ok(cell);
    assert.equal(cell.n, 2);
    for (const phase of PHASES) {
      const expected = ['inputMs', 'outputMs', 'thesisStartupMs', 'thesisRuntimeMs'].includes(phase)
        ? 1
        : 2;
      assert.equal(cell.stats[phase].n, expected, phase);
    }
    assert.equal(cell.stats.execMs.median, 1.5);
  });
});
