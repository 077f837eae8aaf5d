/**
 * Summary statistics of one sample of timings. Pure functions; every one of them that takes
 * `sorted` expects the values in ascending order (see `sortAscending`).
 */

export interface MedianInterval {
  /** Lower and upper bound, or null when the sample is too small for the requested level. */
  low: number | null;
  high: number | null;
  /** The confidence level asked for, e.g. 0.95. */
  level: number;
  /** The exact coverage of the order statistics chosen (>= level when bounds exist). */
  coverage: number | null;
}

export interface Summary {
  n: number;
  mean: number | null;
  median: number | null;
  /** Sample standard deviation (divides by n - 1); null below two values. */
  stddev: number | null;
  min: number | null;
  max: number | null;
  p95: number | null;
  p99: number | null;
  ci: MedianInterval;
}

export interface Outlier {
  /** Position of the value in the sample as given (measurement order), from 0. */
  index: number;
  value: number;
  /** Modified Z-score; +-Infinity when the MAD is 0 and the value is not the median. */
  score: number;
}

export const OUTLIER_THRESHOLD = 3.5;
export const DEFAULT_LEVEL = 0.95;

export function sortAscending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Sample standard deviation, sqrt(sum((x - mean)^2) / (n - 1)). */
export function sampleStddev(values: readonly number[]): number | null {
  const m = mean(values);
  if (m === null || values.length < 2) return null;
  let squares = 0;
  for (const value of values) squares += (value - m) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/**
 * The p-quantile (0 <= p <= 1) by linear interpolation between order statistics, Hyndman and
 * Fan's definition 7 (R's default `type = 7`, numpy's default `linear`):
 * h = (n - 1) p, Q = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]), 0-based.
 */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile p must be within [0, 1], got ${p}`);
  const h = (sorted.length - 1) * p;
  const lower = Math.floor(h);
  const below = sorted[lower] as number;
  const above = sorted[Math.min(lower + 1, sorted.length - 1)] as number;
  return below + (h - lower) * (above - below);
}

export function median(sorted: readonly number[]): number | null {
  return quantile(sorted, 0.5);
}

/**
 * Confidence interval of the median from order statistics, without assuming any distribution
 * (J.-Y. Le Boudec, "Performance Evaluation of Computer and Communication Systems", 2010,
 * Theorem 2.1 and Table A.1; the method SeBS, Copik et al. 2021, uses for its medians).
 * The number of values below the true median is Binomial(n, 1/2), so [x(j), x(n+1-j)]
 * (1-based) covers the median with probability 1 - 2 P(B <= j - 1). We take the largest j
 * whose coverage is still >= level: the narrowest symmetric interval that keeps the promise.
 * Computed exactly (in log space, so large n does not underflow); at 95% it needs n >= 6.
 */
export function medianInterval(sorted: readonly number[], level = DEFAULT_LEVEL): MedianInterval {
  const ranks = medianIntervalRanks(sorted.length, level);
  if (!ranks) return { low: null, high: null, level, coverage: null };
  return {
    low: sorted[ranks.low] as number,
    high: sorted[ranks.high] as number,
    level,
    coverage: ranks.coverage,
  };
}

/**
 * The order statistics medianInterval takes, as 0-based ranks into n sorted values, with
 * their exact coverage; null when n is too small for the level. A sample kept as a histogram
 * (phase-sample.ts) reads the same ranks from it.
 */
export function medianIntervalRanks(
  n: number,
  level = DEFAULT_LEVEL,
): { low: number; high: number; coverage: number } | null {
  if (n === 0) return null;
  const logHalfPowN = -n * Math.LN2;
  let logPmf = logHalfPowN; // log P(B = 0)
  let tail = 0; // P(B <= j - 1) for the j being tried
  let best: { j: number; coverage: number } | null = null;
  for (let j = 1; 2 * j <= n + 1; j++) {
    tail += Math.exp(logPmf); // adds P(B = j - 1)
    const coverage = 1 - 2 * tail;
    if (coverage < level) break;
    best = { j, coverage };
    logPmf += Math.log((n - (j - 1)) / j); // P(B = j) from P(B = j - 1)
  }
  if (!best) return null;
  return { low: best.j - 1, high: n - best.j, coverage: best.coverage };
}

/**
 * Modified Z-scores, 0.6745 (x - median) / MAD, where MAD is the median absolute deviation
 * (Iglewicz and Hoaglin, 1993; the test hyperfine applies to its runs). Values with
 * |score| > 3.5 are outliers: reported, never removed from the sample.
 */
export function outliers(values: readonly number[], threshold = OUTLIER_THRESHOLD): Outlier[] {
  if (values.length === 0) return [];
  const mid = median(sortAscending(values)) as number;
  const mad = median(sortAscending(values.map((value) => Math.abs(value - mid)))) as number;
  const found: Outlier[] = [];
  values.forEach((value, index) => {
    const deviation = value - mid;
    const score =
      deviation === 0
        ? 0
        : mad === 0
          ? Math.sign(deviation) * Infinity
          : (0.6745 * deviation) / mad;
    if (Math.abs(score) > threshold) found.push({ index, value, score });
  });
  return found;
}

/** Everything reported for one phase of one cell. */
export function summarize(values: readonly number[], level = DEFAULT_LEVEL): Summary {
  const sorted = sortAscending(values);
  return {
    n: sorted.length,
    mean: mean(sorted),
    median: median(sorted),
    stddev: sampleStddev(sorted),
    min: sorted.length ? (sorted[0] as number) : null,
    max: sorted.length ? (sorted[sorted.length - 1] as number) : null,
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    ci: medianInterval(sorted, level),
  };
}
