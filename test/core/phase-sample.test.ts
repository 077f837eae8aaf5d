import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ratioOfMedians, seededRandom } from '../../source/core/compare.js';
import {
  bucketOf,
  bucketValue,
  EXACT_LIMIT,
  PhaseSample,
  RESERVOIR_SIZE,
  SUB_BITS,
} from '../../source/core/phase-sample.js';
import { outliers, summarize } from '../../source/core/stats.js';
import { CellCollector } from '../../source/experiment/results.js';
import { fakeResult } from '../experiment/fake-invoke.js';

const RELATIVE = 2 ** -SUB_BITS;

/** Log-normal timings around `median` ms with a slow tail, like warm invocations. */
function timings(n: number, seed: number, median = 0.45): number[] {
  const random = seededRandom(seed);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = Math.max(1e-12, random());
    const v = random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    const tail = random() < 0.01 ? 20 * random() : 0;
    values.push(median * Math.exp(0.25 * normal) + tail);
  }
  return values;
}

function near(actual: number | null, expected: number | null, what: string) {
  assert.ok(actual !== null && expected !== null, `${what}: both known`);
  const bound = Math.abs(expected) * RELATIVE;
  assert.ok(
    Math.abs(actual - expected) <= bound,
    `${what}: ${actual} is not within ${bound} of ${expected}`,
  );
}

describe('a phase sample', () => {
  it('is the exact summary, outliers and values up to its limit', () => {
    const values = timings(EXACT_LIMIT, 1);
    const sample = new PhaseSample();
    for (const value of values) sample.add(value);
    assert.equal(sample.isExact, true);
    assert.deepEqual(sample.summary(), summarize(values));
    const found = outliers(values);
    assert.deepEqual(sample.outliers(), { count: found.length, samples: found });
    assert.deepEqual(sample.values(), values);
  });

  it('with a million values reports the full array’s medians and intervals to 2^-10', () => {
    const values = timings(1_000_000, 2);
    const sample = new PhaseSample();
    for (const value of values) sample.add(value);
    assert.equal(sample.isExact, false);
    const kept = sample.summary();
    const full = summarize(values);
    assert.equal(kept.n, full.n);
    assert.equal(kept.min, full.min);
    assert.equal(kept.max, full.max);
    near(kept.mean, full.mean, 'mean');
    near(kept.stddev, full.stddev, 'stddev');
    near(kept.median, full.median, 'median');
    near(kept.p95, full.p95, 'p95');
    near(kept.p99, full.p99, 'p99');
    near(kept.ci.low, full.ci.low, 'ci low');
    near(kept.ci.high, full.ci.high, 'ci high');
    assert.equal(kept.ci.coverage, full.ci.coverage);
    assert.equal(sample.values().length, RESERVOIR_SIZE);
    // Outliers: the slow tail, counted to within the values near the threshold's bucket.
    const exact = outliers(values).length;
    const counted = sample.outliers();
    assert.ok(exact > 1000, `the tail gives outliers (${exact})`);
    assert.ok(
      Math.abs(counted.count - exact) <= exact * 0.01,
      `${counted.count} outliers counted, ${exact} in the full array`,
    );
    assert.ok(counted.samples.length > 0 && counted.samples.length <= 128);
    for (const o of counted.samples) assert.equal(values[o.index], o.value);
  });

  it('keeps ratio intervals of large samples within the bootstrap’s own spread', () => {
    const top = timings(200_000, 3, 2.0);
    const bottom = timings(200_000, 4, 0.5);
    const a = new PhaseSample();
    const b = new PhaseSample();
    for (const value of top) a.add(value);
    for (const value of bottom) b.add(value);
    const full = ratioOfMedians(top, bottom);
    const kept = ratioOfMedians(
      a.values(),
      b.values(),
      {},
      {
        top: a.summary().median,
        bottom: b.summary().median,
      },
    );
    assert.equal(kept.ratio !== null && full.ratio !== null, true);
    // Each median is within 2^-10 of the exact one, so their ratio within about twice that.
    const ratioError = Math.abs((kept.ratio as number) - (full.ratio as number));
    assert.ok(ratioError <= 2 * RELATIVE * (full.ratio as number), `ratio off by ${ratioError}`);
    // Both intervals come from 5,000 values a side drawn at random: they agree to about
    // their own width.
    const width = (full.high as number) - (full.low as number);
    assert.ok(Math.abs((kept.low as number) - (full.low as number)) < width);
    assert.ok(Math.abs((kept.high as number) - (full.high as number)) < width);
  });

  it('buckets every value into one 2^-10 wide, in order, zero and negatives included', () => {
    const random = seededRandom(5);
    let previous = Number.NEGATIVE_INFINITY;
    const values = [-3, -1e-6, 0, 1e-9, 0.5, 1, 2, 3, 1023.999, 1024, 7e5];
    for (let i = 0; i < 1000; i++) values.push((random() - 0.3) * 10 ** (random() * 12 - 6));
    values.sort((x, y) => x - y);
    let previousKey = Number.NEGATIVE_INFINITY;
    for (const value of values) {
      const key = bucketOf(value);
      assert.ok(key >= previousKey, `buckets follow the values' order at ${value}`);
      previousKey = key;
      const middle = bucketValue(key);
      assert.ok(Math.abs(middle - value) <= Math.abs(value) * RELATIVE, `${value} -> ${middle}`);
      previous = value;
    }
    assert.ok(previous > 0);
  });
});

describe('a cell of a million invocations', () => {
  it('reports the medians and intervals of its full array, holding a bounded sample', () => {
    const totals = timings(1_000_000, 6);
    const collector = new CellCollector();
    for (const total of totals) {
      const result = fakeResult({ function: 'f', runtime: 'wasm', mode: 'warm', input: '' });
      result.timings = {
        startupMs: total / 4,
        execMs: total / 2,
        teardownMs: total / 4,
        totalMs: total,
      };
      collector.add({ warmup: false, result });
    }
    const [cell] = collector.results().results;
    assert.ok(cell);
    const full = summarize(totals);
    assert.equal(cell.n, 1_000_000);
    near(cell.stats.totalMs.median, full.median, 'median');
    near(cell.stats.totalMs.ci.low, full.ci.low, 'ci low');
    near(cell.stats.totalMs.ci.high, full.ci.high, 'ci high');
    near(cell.stats.totalMs.p99, full.p99, 'p99');
    const [samples] = collector.cells();
    assert.equal(samples?.samples.totalMs.values().length, RESERVOIR_SIZE);
  });
});
