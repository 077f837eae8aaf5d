/**
 * From finished invocations to the results table: one result per cell, with the statistics
 * of every phase over its successful measured invocations, and the ratios between runtimes.
 * Warm-ups are left out; failures are counted, not summarised.
 */
import { type CompareOptions, type Comparison, compareGroups } from '../core/compare.js';
import {
  type InvocationResult,
  type Mode,
  PHASES,
  type Phase,
  phaseValue,
  type RuntimeName,
} from '../core/invocation.js';
import { PhaseSample } from '../core/phase-sample.js';
import { cellKey } from '../core/plan.js';
import { DEFAULT_LEVEL, type Outlier, type Summary } from '../core/stats.js';

/** What results are made from: a runner's StepRecord and a logged invocation both fit. */
export interface MeasuredInvocation {
  warmup: boolean;
  result: InvocationResult;
}

export interface CellResult {
  function: string;
  runtime: RuntimeName;
  mode: Mode;
  input: string;
  /** Set for a variant of the runtime (runtimes/variants.ts); absent for its defaults. */
  variant?: string;
  /** Successful measured invocations, the sample size of every statistic. */
  n: number;
  failures: number;
  stats: Record<Phase, Summary>;
  /**
   * Per phase, the outlying invocations (index among the successful ones, in order). A score
   * of +-Infinity (MAD 0) becomes null in JSON.
   */
  outliers: Record<Phase, { count: number; samples: Outlier[] }>;
  /** Set when the cell's runs were emulated (qemu): not performance figures. */
  emulated?: string;
}

export interface ResultSet {
  results: CellResult[];
  comparisons: Comparison[];
}

/** A cell's invocations as they were added: what every statistic of it is computed from. */
export interface CellSamples {
  /** The first invocation's identity (function, runtime, mode, input, variant, emulated). */
  first: CellIdentity;
  failures: number;
  samples: Record<Phase, PhaseSample>;
}

export type CellIdentity = Pick<
  InvocationResult,
  'function' | 'runtime' | 'mode' | 'input' | 'variant' | 'emulated'
>;

/**
 * Cells in order of first appearance, so the table follows the plan. Holds per cell only
 * what its statistics need (core/phase-sample.ts), never the invocations themselves: a run
 * of hours costs the memory of one of minutes.
 */
export class CellCollector {
  private readonly groups = new Map<string, CellSamples>();

  add({ warmup, result }: MeasuredInvocation): void {
    if (warmup) return;
    const key = cellKey(result);
    let group = this.groups.get(key);
    if (!group) {
      const { function: fn, runtime, mode, input, variant, emulated } = result;
      const first: CellIdentity = { function: fn, runtime, mode, input };
      if (variant) first.variant = variant;
      if (emulated) first.emulated = emulated;
      group = { first, failures: 0, samples: emptySamples() };
      this.groups.set(key, group);
    }
    if (!result.ok) {
      group.failures++;
      return;
    }
    for (const phase of PHASES) {
      // Phases an invocation has no value for (old logs, no thesis mark) are left out of
      // that phase's sample only: each Summary carries its own n.
      const value = phaseValue(result.timings, phase);
      if (value !== null) group.samples[phase].add(value);
    }
  }

  get size(): number {
    return this.groups.size;
  }

  cells(): CellSamples[] {
    return [...this.groups.values()];
  }

  results(options: CompareOptions = {}): ResultSet {
    return summarizeCells(this.cells(), options);
  }
}

export function summarizeInvocations(
  invocations: Iterable<MeasuredInvocation>,
  options: CompareOptions = {},
): ResultSet {
  const collector = new CellCollector();
  for (const invocation of invocations) collector.add(invocation);
  return collector.results(options);
}

export function summarizeCells(
  groups: readonly CellSamples[],
  options: CompareOptions = {},
): ResultSet {
  const level = options.level ?? DEFAULT_LEVEL;
  const results: CellResult[] = [];
  const medians = new Map<CellSamples, Record<Phase, number | null>>();
  for (const group of groups) {
    const stats = {} as CellResult['stats'];
    const flagged = {} as CellResult['outliers'];
    for (const phase of PHASES) {
      stats[phase] = group.samples[phase].summary(level);
      flagged[phase] = group.samples[phase].outliers();
    }
    if (PHASES.some((phase) => !group.samples[phase].isExact)) {
      const exact = {} as Record<Phase, number | null>;
      for (const phase of PHASES) exact[phase] = stats[phase].median;
      medians.set(group, exact);
    }
    const { function: fn, runtime, mode, input, emulated, variant } = group.first;
    results.push({
      ...(emulated ? { emulated } : {}),
      function: fn,
      runtime,
      mode,
      input,
      ...(variant ? { variant } : {}),
      n: group.samples.totalMs.n,
      failures: group.failures,
      stats,
      outliers: flagged,
    });
  }
  // Variants are compared step by step in their own table (report/variant-ladder.ts).
  const comparisons = compareGroups(
    groups
      .filter((group) => !group.first.variant)
      .map((group) => ({
        function: group.first.function,
        runtime: group.first.runtime,
        mode: group.first.mode,
        input: group.first.input,
        samples: valuesOf(group.samples),
        ...(medians.has(group) ? { medians: medians.get(group) } : {}),
      })),
    options,
  );
  return { results, comparisons };
}

function valuesOf(samples: Record<Phase, PhaseSample>): Record<Phase, readonly number[]> {
  return Object.fromEntries(
    PHASES.map((phase) => [phase, samples[phase].values()]),
  ) as unknown as Record<Phase, readonly number[]>;
}

function emptySamples(): Record<Phase, PhaseSample> {
  return Object.fromEntries(PHASES.map((phase) => [phase, new PhaseSample()])) as unknown as Record<
    Phase,
    PhaseSample
  >;
}
