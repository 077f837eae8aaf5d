/**
 * Ratios between runtimes of the same function, input and mode, per phase: median over median,
 * with a percentile-bootstrap interval (Efron and Tibshirani, 1993, ch. 13). Each side is
 * resampled with replacement on its own, the ratio of the two resampled medians is taken
 * `resamples` times, and the interval is the (1-level)/2 and (1+level)/2 quantiles of
 * those ratios. The generator is seeded, so the same samples always give the same interval.
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
  scratch.sort();
  const h = (values.length - 1) / 2;
  const lower = Math.floor(h);
  return (
    (scratch[lower] as number) +
    (h - lower) * ((scratch[Math.ceil(h)] as number) - (scratch[lower] as number))
  );
}

/** Median ratio numerator/denominator with its bootstrap interval; null where undefined. */
export function ratioOfMedians(
  numerator: readonly number[],
  denominator: readonly number[],
  options: CompareOptions = {},
): RatioInterval {
  const { level, resamples, seed } = { ...DEFAULTS, ...options };
  const top = median(sortAscending(numerator));
  const bottom = median(sortAscending(denominator));
  if (top === null || bottom === null || bottom === 0) {
    return { ratio: null, low: null, high: null, level };
  }
  const random = seededRandom(seed);
  const a = new Float64Array(numerator.length);
  const b = new Float64Array(denominator.length);
  const ratios: number[] = [];
  for (let i = 0; i < resamples; i++) {
    const down = resampledMedian(denominator, random, b);
    const up = resampledMedian(numerator, random, a);
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
        phases[phase] = ratioOfMedians(top.samples[phase], bottom.samples[phase], options);
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
