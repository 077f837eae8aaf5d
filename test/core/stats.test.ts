import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  mean,
  median,
  medianInterval,
  outliers,
  quantile,
  sampleStddev,
  sortAscending,
  summarize,
} from '../../source/core/stats.js';

const close = (actual: number | null, expected: number, digits = 12) => {
  assert.ok(actual !== null, `expected ${expected}, got null`);
  assert.ok(Math.abs(actual - expected) < 10 ** -digits, `expected ${expected}, got ${actual}`);
};

describe('statistics on hand-computed samples', { timeout: 5000 }, () => {
  const oneToTen = [7, 3, 10, 1, 5, 2, 9, 4, 8, 6];

  it('mean, median, sample standard deviation, min and max of 1..10', () => {
    const s = summarize(oneToTen);
    assert.equal(s.n, 10);
    assert.equal(s.mean, 5.5);
    assert.equal(s.median, 5.5);
    // sum((x - 5.5)^2) = 82.5; 82.5 / 9 = 9.1666...
    close(s.stddev, Math.sqrt(82.5 / 9));
    close(s.stddev, 3.0276503540974917);
    assert.equal(s.min, 1);
    assert.equal(s.max, 10);
  });

  it('p95 and p99 interpolate linearly between order statistics (R-7)', () => {
    const s = summarize(oneToTen);
    close(s.p95, 9.55); // h = 9 * 0.95 = 8.55: 9 + 0.55 * (10 - 9)
    close(s.p99, 9.91); // h = 8.91
    close(quantile([10, 20], 0.25), 12.5);
    assert.equal(quantile([4], 0.99), 4);
    assert.equal(quantile([], 0.5), null);
    assert.throws(() => quantile([1], 1.5), /within \[0, 1\]/);
  });

  it('median of odd and even samples', () => {
    assert.equal(median(sortAscending([3, 1, 2])), 2);
    assert.equal(median(sortAscending([4, 1, 3, 2])), 2.5);
  });

  it('sample standard deviation divides by n - 1 and needs two values', () => {
    assert.equal(sampleStddev([2, 4]), Math.SQRT2);
    assert.equal(sampleStddev([5]), null);
    assert.equal(mean([]), null);
  });

  it('95% interval of the median for n = 10 is [x(2), x(9)] with coverage 1 - 22/1024', () => {
    const ci = medianInterval(sortAscending(oneToTen));
    assert.deepEqual(ci, { low: 2, high: 9, level: 0.95, coverage: 1 - 22 / 1024 });
  });

  it('95% interval needs n >= 6: [x(1), x(6)] at n = 6, none at n = 5', () => {
    assert.deepEqual(medianInterval([1, 2, 3, 4, 5, 6]), {
      low: 1,
      high: 6,
      level: 0.95,
      coverage: 1 - 2 / 64,
    });
    assert.deepEqual(medianInterval([1, 2, 3, 4, 5]), {
      low: null,
      high: null,
      level: 0.95,
      coverage: null,
    });
  });

  it('matches Le Boudec table A.1 for larger n and does not underflow', () => {
    const seq = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    // n = 20: j = 6, [x(6), x(15)], coverage 1 - 2 P(B <= 5) = 0.958610534...
    const twenty = medianInterval(seq(20));
    assert.equal(twenty.low, 6);
    assert.equal(twenty.high, 15);
    close(twenty.coverage, 1 - (2 * (1 + 20 + 190 + 1140 + 4845 + 15504)) / 2 ** 20);
    // n = 100: j = 40, [x(40), x(61)] (normal approximation 0.5n -+ 0.98 sqrt(n) agrees).
    const hundred = medianInterval(seq(100));
    assert.equal(hundred.low, 40);
    assert.equal(hundred.high, 61);
    const large = medianInterval(seq(5000));
    assert.ok(large.low !== null && large.low > 2400 && large.high !== null && large.high < 2600);
  });

  it('a 99% interval is wider than the 95% one', () => {
    const sorted = Array.from({ length: 30 }, (_, i) => i);
    const ci95 = medianInterval(sorted, 0.95);
    const ci99 = medianInterval(sorted, 0.99);
    assert.ok((ci99.low as number) < (ci95.low as number));
  });

  it('flags outliers by modified Z-score and keeps their position', () => {
    // median 12; |deviations| 0 2 88 1 1 -> MAD 1; score of 100 = 0.6745 * 88 = 59.356
    const found = outliers([12, 10, 100, 11, 13]);
    assert.equal(found.length, 1);
    assert.equal(found[0]?.index, 2);
    assert.equal(found[0]?.value, 100);
    close(found[0]?.score ?? null, 59.356, 9);
    // 3.5 is the threshold: score 0.6745 * 5 / 1 = 3.3725 is not an outlier, 0.6745 * 6 is.
    assert.equal(outliers([0, 1, -1, 0, 5]).length, 0);
    assert.deepEqual(
      outliers([0, 1, -1, 0, -6]).map((o) => o.index),
      [4],
    );
  });

  it('with a MAD of 0, every value off the median is an outlier', () => {
    const found = outliers([5, 5, 5, 5, 7]);
    assert.deepEqual(found, [{ index: 4, value: 7, score: Infinity }]);
  });

  it('an empty sample gives nulls, not NaN', () => {
    const s = summarize([]);
    assert.equal(s.n, 0);
    for (const key of ['mean', 'median', 'stddev', 'min', 'max', 'p95', 'p99'] as const) {
      assert.equal(s[key], null, key);
    }
    assert.deepEqual(outliers([]), []);
  });
});
