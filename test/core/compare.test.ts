import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareGroups, ratioOfMedians, seededRandom } from '../../source/core/compare.js';
import { PHASES, type RuntimeName } from '../../source/core/invocation.js';

const group = (runtime: RuntimeName, values: number[]) => ({
  function: 'hello',
  runtime,
  mode: 'cold',
  input: '',
  samples: Object.fromEntries(PHASES.map((phase) => [phase, values])) as Record<
    (typeof PHASES)[number],
    number[]
  >,
});

describe('ratios between runtimes', { timeout: 10000 }, () => {
  it('is the ratio of medians; constant samples give a point interval', () => {
    assert.deepEqual(ratioOfMedians([6, 6, 6], [2, 2, 2]), {
      ratio: 3,
      low: 3,
      high: 3,
      level: 0.95,
    });
    assert.equal(ratioOfMedians([1, 9, 5], [1, 2, 3]).ratio, 2.5);
  });

  it('gives the same interval for the same samples (seeded), around the ratio', () => {
    const top = [300, 310, 320, 305, 900, 315, 298, 330];
    const bottom = [1.1, 1.0, 0.9, 1.2, 1.05, 0.95, 1.0, 3.0];
    const first = ratioOfMedians(top, bottom);
    assert.deepEqual(ratioOfMedians(top, bottom), first);
    assert.ok((first.low as number) <= (first.ratio as number));
    assert.ok((first.ratio as number) <= (first.high as number));
    assert.ok((first.low as number) < (first.high as number));
    const otherSeed = ratioOfMedians(top, bottom, { seed: 7 });
    assert.equal(otherSeed.ratio, first.ratio);
  });

  it('has no ratio when a side is empty or its median is 0', () => {
    assert.equal(ratioOfMedians([], [1]).ratio, null);
    assert.equal(ratioOfMedians([1], [0, 0, 1]).ratio, null);
  });

  it('compares container/wasm, wasm-p1/wasm and container/wasm-p1 when present', () => {
    const all = compareGroups([
      group('wasm', [1, 1, 1]),
      group('wasm-p1', [0.5, 0.5, 0.5]),
      group('container', [100, 100, 100]),
    ]);
    assert.deepEqual(
      all.map((c) => [c.numerator, c.denominator, c.phases.totalMs.ratio]),
      [
        ['container', 'wasm', 100],
        ['wasm-p1', 'wasm', 0.5],
        ['container', 'wasm-p1', 200],
      ],
    );
    assert.equal(compareGroups([group('wasm', [1])]).length, 0);
  });

  it('the generator is deterministic and within [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      assert.equal(x, b());
      assert.ok(x >= 0 && x < 1);
    }
  });
});
