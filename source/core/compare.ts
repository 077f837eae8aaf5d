/**
 * Ratios between runtimes of the same function, input and mode, per phase: median over median,
 * with a percentile-bootstrap interval (Efron and Tibshirani, 1993, ch. 13). Each side is
 * resampled with replacement on its own, the ratio of the two resampled medians is taken
 * `resamples` times, and the interval is the (1-level)/2 and (1+level)/2 quantiles of
 * those ratios. The generator is seeded, so the same samples always give the same interval.
 * A side of more than MAX_BOOTSTRAP_N values (blocks of warm invocations reach 100,000) is
 * first thinned to that many, drawn without replacement: its interval is then a little wider
 * than the full sample's would be, never narrower, and takes seconds instead of minutes.
 */
import { PHASES, type Phase, type RuntimeName } from './invocation.js';
import { median, quantile, sortAscending } from './stats.js';

/** numerator / denominator pairs, in the order reports show them. */
export const RATIO_PAIRS: ReadonlyArray<readonly [RuntimeName, RuntimeName]> = [
  ['container', 'wasm'],
  ['wasm-p1', 'wasm'],
  ['container', 'wasm-p1'],
];

export interface RatioInterval {
  ratio: number | null;
  low: number | null;
  high: number | null;
  level: number;
}

export interface Comparison {
  function: string;
  mode: string;
  input: string;
  numerator: RuntimeName;
  denominator: RuntimeName;
  phases: Record<Phase, RatioInterval>;
}

export interface SampleGroup {
  function: string;
  runtime: RuntimeName;
  mode: string;
  input: string;
  /** Successful measured invocations only, one array per phase, in measurement order. */
  samples: Record<Phase, readonly number[]>;
  /**
   * Each phase's median, where `samples` holds only a uniform draw of a larger sample
   * (phase-sample.ts): the ratio is then of these, its interval from the draws.
   */
  medians?: Record<Phase, number | null>;
}

export interface CompareOptions {
  level?: number;
  resamples?: number;
  seed?: number;
}

const DEFAULTS = { level: 0.95, resamples: 2000, seed: 0x6e_65_62 };

/** mulberry32: a small, fast 32-bit generator, good enough for resampling indices. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function resampledMedian(values: readonly number[], random: () => number, scratch: Float64Array) {
  for (let i = 0; i < values.length; i++) {
    scratch[i] = values[Math.floor(random() * values.length)] as number;
  }
  const h = (values.length - 1) / 2;
  const lower = Math.floor(h);
  const low = selectInPlace(scratch, values.length, lower);
  if (h === lower) return low;
  // The next order statistic is the smallest value right of the selected one.
  let high = Number.POSITIVE_INFINITY;
  for (let i = lower + 1; i < values.length; i++) high = Math.min(high, scratch[i] as number);
  return low + (h - lower) * (high - low);
}

/**
 * The k-th smallest (0-based) of a[0..n-1], moved to a[k] with nothing larger left of it
 * and nothing smaller right of it: quickselect with a three-way partition (so runs of equal
 * timings stay linear). Same value as sorting and reading a[k], in linear expected time:
 * a bootstrap of large samples (a block of warm invocations) sorts thousands of times.
 */
function selectInPlace(a: Float64Array, n: number, k: number): number {
  let left = 0;
  let right = n - 1;
  while (left < right) {
    const pivot = medianOfThree(
      a[left] as number,
      a[(left + right) >> 1] as number,
      a[right] as number,
    );
    let lt = left;
    let i = left;
    let gt = right;
    while (i <= gt) {
      const value = a[i] as number;
      if (value < pivot) {
        a[i] = a[lt] as number;
        a[lt] = value;
        lt++;
        i++;
      } else if (value > pivot) {
        a[i] = a[gt] as number;
        a[gt] = value;
        gt--;
      } else i++;
    }
    if (k < lt) right = lt - 1;
    else if (k > gt) left = gt + 1;
    else return pivot;
  }
  return a[k] as number;
}

function medianOfThree(x: number, y: number, z: number): number {
  return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
}

export const MAX_BOOTSTRAP_N = 5000;

/** At most MAX_BOOTSTRAP_N of the values, drawn without replacement (partial Fisher-Yates). */
function thinned(values: readonly number[], random: () => number): readonly number[] {
  if (values.length <= MAX_BOOTSTRAP_N) return values;
  const copy = [...values];
  for (let i = 0; i < MAX_BOOTSTRAP_N; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    const value = copy[j] as number;
    copy[j] = copy[i] as number;
    copy[i] = value;
  }
  return copy.slice(0, MAX_BOOTSTRAP_N);
}

/** Median ratio numerator/denominator with its bootstrap interval; null where undefined. */
export function ratioOfMedians(
  numerator: readonly number[],
  denominator: readonly number[],
  options: CompareOptions = {},
  medians?: { top: number | null; bottom: number | null },
): RatioInterval {
  const { level, resamples, seed } = { ...DEFAULTS, ...options };
  const top = medians ? medians.top : median(sortAscending(numerator));
  const bottom = medians ? medians.bottom : median(sortAscending(denominator));
  if (top === null || bottom === null || bottom === 0) {
    return { ratio: null, low: null, high: null, level };
  }
  const random = seededRandom(seed);
  const ups = thinned(numerator, random);
  const downs = thinned(denominator, random);
  const a = new Float64Array(ups.length);
  const b = new Float64Array(downs.length);
  const ratios: number[] = [];
  for (let i = 0; i < resamples; i++) {
    const down = resampledMedian(downs, random, b);
    const up = resampledMedian(ups, random, a);
    if (down !== 0) ratios.push(up / down);
  }
  const sorted = sortAscending(ratios);
  return {
    ratio: top / bottom,
    low: quantile(sorted, (1 - level) / 2),
    high: quantile(sorted, (1 + level) / 2),
    level,
  };
}

/** Every pair of RATIO_PAIRS present for the same function, input and mode, in group order. */
export function compareGroups(
  groups: readonly SampleGroup[],
  options: CompareOptions = {},
): Comparison[] {
  const comparisons: Comparison[] = [];
  const seen = new Set<string>();
  for (const group of groups) {
    const key = JSON.stringify([group.function, group.input, group.mode]);
    if (seen.has(key)) continue;
    seen.add(key);
    const same = groups.filter(
      (other) =>
        other.function === group.function &&
        other.input === group.input &&
        other.mode === group.mode,
    );
    for (const [numerator, denominator] of RATIO_PAIRS) {
      const top = same.find((other) => other.runtime === numerator);
      const bottom = same.find((other) => other.runtime === denominator);
      if (!top || !bottom) continue;
      const phases = {} as Record<Phase, RatioInterval>;
      for (const phase of PHASES) {
        const medians =
          top.medians || bottom.medians
            ? {
                top: top.medians?.[phase] ?? median(sortAscending(top.samples[phase])),
                bottom: bottom.medians?.[phase] ?? median(sortAscending(bottom.samples[phase])),
              }
            : undefined;
        phases[phase] = ratioOfMedians(top.samples[phase], bottom.samples[phase], options, medians);
      }
      comparisons.push({
        function: group.function,
        mode: group.mode,
        input: group.input,
        numerator,
        denominator,
        phases,
      });
    }
  }
  return comparisons;
}
