/**
 * One phase's timings of one cell, kept in memory that stops growing with the run's length
 * (docs/MEASURING.md, "Statistics of long runs"). Up to EXACT_LIMIT values are kept as they
 * are and every statistic is the exact one of stats.ts. Past it the values go into a
 * log-linear histogram whose buckets are 2^-10 (about 0.1%) of their value wide, as
 * HdrHistogram does: order statistics (median, percentiles, the median's interval, the
 * median absolute deviation) are then read from it to within that relative error, while n,
 * min, max, mean and the standard deviation stay exact (Welford's running moments, B. P.
 * Welford, Technometrics 4(3), 1962). Beside both, a uniform reservoir of RESERVOIR_SIZE
 * values (Vitter's algorithm R, seeded) feeds the bootstrap of ratios, which already drew
 * that many values from larger samples (compare.ts MAX_BOOTSTRAP_N). One
 * file because the exact values, the histogram and the reservoir are one sample that turns
 * from one form into the other as it grows.
 */
import { MAX_BOOTSTRAP_N, type RatioInterval, ratioOfMedians, seededRandom } from './compare.js';
import {
  DEFAULT_LEVEL,
  type MedianInterval,
  medianIntervalRanks,
  OUTLIER_THRESHOLD,
  type Outlier,
  outliers,
  type Summary,
  summarize,
} from './stats.js';

export const EXACT_LIMIT = 10_000;
export const RESERVOIR_SIZE = MAX_BOOTSTRAP_N;
/** Sub-buckets per power of two: a bucket is 2^-SUB_BITS of its value wide. */
export const SUB_BITS = 10;
const SUBS = 1 << SUB_BITS;
/** Outlying values past EXACT_LIMIT are listed up to this many at each end (all are counted). */
export const EXTREMES_KEPT = 64;
const RESERVOIR_SEED = 0x5e_ed_01;

interface Indexed {
  index: number;
  value: number;
}

/** Bucket of a value: 0 for zero, positive above it, the mirror image below it. */
export function bucketOf(value: number): number {
  if (value === 0) return 0;
  const magnitude = Math.abs(value);
  let exponent = Math.floor(Math.log2(magnitude));
  let fraction = magnitude / 2 ** exponent - 1;
  // log2 rounds near powers of two: keep the fraction within [0, 1).
  if (fraction >= 1) {
    exponent += 1;
    fraction = magnitude / 2 ** exponent - 1;
  } else if (fraction < 0) {
    exponent -= 1;
    fraction = magnitude / 2 ** exponent - 1;
  }
  const key = (exponent + 1100) * SUBS + Math.min(SUBS - 1, Math.floor(fraction * SUBS));
  return value > 0 ? key : -key;
}

/** The middle of a bucket: what an order statistic read from the histogram is. */
export function bucketValue(key: number): number {
  if (key === 0) return 0;
  const magnitude = Math.abs(key);
  const exponent = Math.floor(magnitude / SUBS) - 1100;
  const sub = magnitude % SUBS;
  const value = 2 ** exponent * (1 + (sub + 0.5) / SUBS);
  return key > 0 ? value : -value;
}

export class PhaseSample {
  private count = 0;
  private low = Number.POSITIVE_INFINITY;
  private high = Number.NEGATIVE_INFINITY;
  private mean = 0;
  private squares = 0;
  private exact: number[] | null = [];
  private histogram: Map<number, number> | null = null;
  private sortedKeys: number[] | null = null;
  private readonly reservoir: number[] = [];
  private readonly random = seededRandom(RESERVOIR_SEED);
  private smallest: Indexed[] = [];
  private largest: Indexed[] = [];

  get n(): number {
    return this.count;
  }

  /** True while every value is kept (every statistic exact). */
  get isExact(): boolean {
    return this.exact !== null;
  }

  add(value: number): void {
    const index = this.count++;
    if (value < this.low) this.low = value;
    if (value > this.high) this.high = value;
    const delta = value - this.mean;
    this.mean += delta / this.count;
    this.squares += delta * (value - this.mean);
    if (this.reservoir.length < RESERVOIR_SIZE) this.reservoir.push(value);
    else {
      const slot = Math.floor(this.random() * this.count);
      if (slot < RESERVOIR_SIZE) this.reservoir[slot] = value;
    }
    if (this.exact) {
      this.exact.push(value);
      if (this.exact.length > EXACT_LIMIT) this.toHistogram();
      return;
    }
    this.bucket(value);
    this.keepExtreme({ index, value });
  }

  /**
   * Another sample's values added to this one, as if they had been added here (pooled rows
   * of a report): exact values one by one; a histogram's counts bucket by bucket, with the
   * running moments combined exactly (Chan, Golub and LeVeque, 1979) and the reservoirs
   * merged in proportion to the samples' sizes.
   */
  absorb(other: PhaseSample): void {
    if (other.exact) {
      for (const value of other.exact) this.add(value);
      return;
    }
    if (this.exact) this.toHistogram();
    const n = this.count + other.count;
    const delta = other.mean - this.mean;
    this.squares += other.squares + (delta * delta * this.count * other.count) / n;
    this.mean += (delta * other.count) / n;
    this.low = Math.min(this.low, other.low);
    this.high = Math.max(this.high, other.high);
    const histogram = this.histogram as Map<number, number>;
    for (const [key, count] of other.buckets()) {
      if (!histogram.has(key)) this.sortedKeys = null;
      histogram.set(key, (histogram.get(key) ?? 0) + count);
    }
    const mine = [...this.reservoir];
    const theirs = [...other.reservoir];
    this.reservoir.length = 0;
    let left = [this.count, other.count];
    while (this.reservoir.length < RESERVOIR_SIZE && (mine.length > 0 || theirs.length > 0)) {
      const fromMine =
        theirs.length === 0 ||
        (mine.length > 0 &&
          this.random() * ((left[0] as number) + (left[1] as number)) < (left[0] as number));
      const from = fromMine ? mine : theirs;
      const at = Math.floor(this.random() * from.length);
      this.reservoir.push(from[at] as number);
      from[at] = from[from.length - 1] as number;
      from.pop();
      left = fromMine
        ? [Math.max(0, (left[0] as number) - 1), left[1] as number]
        : [left[0] as number, Math.max(0, (left[1] as number) - 1)];
    }
    for (const entry of [...other.smallest, ...other.largest]) {
      this.keepExtreme({ index: this.count + entry.index, value: entry.value });
    }
    this.count = n;
  }

  /** Every value in measurement order while exact, else the reservoir (for resampling). */
  values(): readonly number[] {
    return this.exact ?? this.reservoir;
  }

  summary(level = DEFAULT_LEVEL): Summary {
    if (this.exact) return summarize(this.exact, level);
    return {
      n: this.count,
      mean: this.mean,
      median: this.quantile(0.5),
      stddev: this.count < 2 ? null : Math.sqrt(this.squares / (this.count - 1)),
      min: this.low,
      max: this.high,
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
      ci: this.medianInterval(level),
    };
  }

  /** Modified Z-scores as stats.ts outliers; past EXACT_LIMIT the list holds the extremes. */
  outliers(threshold = OUTLIER_THRESHOLD): { count: number; samples: Outlier[] } {
    if (this.exact) {
      const found = outliers(this.exact, threshold);
      return { count: found.length, samples: found };
    }
    const mid = this.quantile(0.5) as number;
    const mad = this.medianAbsoluteDeviation(mid);
    const score = (value: number) => {
      const deviation = value - mid;
      if (deviation === 0) return 0;
      return mad === 0 ? Math.sign(deviation) * Infinity : (0.6745 * deviation) / mad;
    };
    let count = 0;
    for (const [key, n] of this.buckets()) {
      if (Math.abs(score(bucketValue(key))) > threshold) count += n;
    }
    const samples = [...this.smallest, ...this.largest]
      .map(({ index, value }) => ({ index, value, score: score(value) }))
      .filter((o) => Math.abs(o.score) > threshold)
      .sort((a, b) => a.index - b.index);
    return { count, samples };
  }

  /** R-7 quantile (stats.ts quantile) over the histogram's order statistics. */
  private quantile(p: number): number | null {
    if (this.count === 0) return null;
    const h = (this.count - 1) * p;
    const lower = Math.floor(h);
    const below = this.atRank(lower);
    const above = this.atRank(Math.min(lower + 1, this.count - 1));
    return below + (h - lower) * (above - below);
  }

  private medianInterval(level: number): MedianInterval {
    const ranks = medianIntervalRanks(this.count, level);
    if (!ranks) return { low: null, high: null, level, coverage: null };
    return {
      low: this.atRank(ranks.low),
      high: this.atRank(ranks.high),
      level,
      coverage: ranks.coverage,
    };
  }

  /** The value of 0-based rank r: exact at both ends, a bucket's middle between them. */
  private atRank(rank: number): number {
    if (rank <= 0) return this.low;
    if (rank >= this.count - 1) return this.high;
    let seen = 0;
    for (const [key, n] of this.buckets()) {
      seen += n;
      if (seen > rank) return Math.min(this.high, Math.max(this.low, bucketValue(key)));
    }
    return this.high;
  }

  private medianAbsoluteDeviation(mid: number): number {
    const deviations = [...this.buckets()]
      .map(([key, n]) => [Math.abs(bucketValue(key) - mid), n] as const)
      .sort((a, b) => a[0] - b[0]);
    const h = (this.count - 1) / 2;
    const at = (rank: number) => {
      let seen = 0;
      for (const [deviation, n] of deviations) {
        seen += n;
        if (seen > rank) return deviation;
      }
      return deviations.at(-1)?.[0] ?? 0;
    };
    const lower = Math.floor(h);
    return at(lower) + (h - lower) * (at(Math.min(lower + 1, this.count - 1)) - at(lower));
  }

  private *buckets(): Generator<[number, number]> {
    const histogram = this.histogram as Map<number, number>;
    if (!this.sortedKeys) this.sortedKeys = [...histogram.keys()].sort((a, b) => a - b);
    for (const key of this.sortedKeys) yield [key, histogram.get(key) as number];
  }

  private bucket(value: number): void {
    const histogram = this.histogram as Map<number, number>;
    const key = bucketOf(value);
    const before = histogram.get(key);
    if (before === undefined) this.sortedKeys = null;
    histogram.set(key, (before ?? 0) + 1);
  }

  private toHistogram(): void {
    const values = this.exact as number[];
    this.exact = null;
    this.histogram = new Map();
    values.forEach((value, index) => {
      this.bucket(value);
      this.keepExtreme({ index, value });
    });
  }

  /** The EXTREMES_KEPT smallest and largest values seen, with their positions. */
  private keepExtreme(entry: Indexed): void {
    this.smallest = insertBounded(this.smallest, entry, (a, b) => a.value - b.value);
    this.largest = insertBounded(this.largest, entry, (a, b) => b.value - a.value);
  }
}

function insertBounded(list: Indexed[], entry: Indexed, order: (a: Indexed, b: Indexed) => number) {
  const last = list.at(-1);
  if (list.length >= EXTREMES_KEPT && last && order(entry, last) >= 0) return list;
  let at = list.length;
  while (at > 0 && order(entry, list[at - 1] as Indexed) < 0) at--;
  list.splice(at, 0, entry);
  if (list.length > EXTREMES_KEPT) list.pop();
  return list;
}

/**
 * Median over median of two samples with the bootstrap interval of compare.ts: over every
 * value while both are exact, else the medians of the samples and the draws of their
 * reservoirs.
 */
export function ratioOfSamples(top: PhaseSample, bottom: PhaseSample): RatioInterval {
  if (top.isExact && bottom.isExact) return ratioOfMedians(top.values(), bottom.values());
  return ratioOfMedians(
    top.values(),
    bottom.values(),
    {},
    {
      top: top.summary().median,
      bottom: bottom.summary().median,
    },
  );
}
