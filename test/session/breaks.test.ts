/** The break filter every log reader goes through: what it holds, releases and drops. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BreakFilter } from '../../source/session/breaks.js';
import type { AnyRecord } from '../../source/session/records.js';

const start = (energy: unknown = null): AnyRecord => ({
  type: 'experiment',
  experiment: 'e',
  at: 1,
  plan: { energy },
  power: null,
});
const inv = (step: number, input: string): AnyRecord => ({
  type: 'invocation',
  experiment: 'e',
  step,
  function: 'f',
  input,
  mode: 'cold',
  cell: `f/wasm/cold/"${input}"`,
});
const steps = (records: AnyRecord[]) =>
  records.map((r) => (r.type === 'invocation' ? (r.step as number) : r.type));

function feed(filter: BreakFilter, records: AnyRecord[]): AnyRecord[] {
  return records.flatMap((record) => filter.take(record));
}

describe('the break filter', () => {
  it('holds a counted group until the next one starts, and passes everything on in order', () => {
    const filter = new BreakFilter();
    assert.deepEqual(steps(feed(filter, [start(), inv(0, '1'), inv(1, '1')])), ['experiment']);
    assert.deepEqual(steps(filter.take(inv(2, '2'))), [0, 1]);
    assert.deepEqual(steps(filter.end()), [2]);
  });

  it('drops what a resume names, keeps a stopped run end, and finishes on a real end', () => {
    const filter = new BreakFilter();
    const out = feed(filter, [
      start(),
      inv(0, '1'),
      inv(1, '2'),
      inv(2, '2'),
      { type: 'experiment-end', experiment: 'e', aborted: true },
      { type: 'resume', experiment: 'e', fromStep: 1 },
      inv(1, '2'),
      inv(2, '2'),
      inv(3, '2'),
      { type: 'experiment-end', experiment: 'e', aborted: false },
    ]);
    assert.deepEqual(steps(out), [
      'experiment',
      0,
      'experiment-end',
      'resume',
      1,
      2,
      3,
      'experiment-end',
    ]);
    assert.deepEqual(filter.end(), []);
  });

  it('never holds an energy run (thousands of invocations a second)', () => {
    const filter = new BreakFilter();
    assert.deepEqual(steps(feed(filter, [start({ blocks: 6 }), inv(0, '1'), inv(1, '1')])), [
      'experiment',
      0,
      1,
    ]);
  });
});
