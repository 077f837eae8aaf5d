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
import { cellKey } from '../core/plan.js';
import { DEFAULT_LEVEL, type Outlier, outliers, type Summary, summarize } from '../core/stats.js';

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

interface Group {
  first: InvocationResult;
  failures: number;
  samples: Record<Phase, number[]>;
}

/** Cells in order of first appearance, so the table follows the plan. */
export function summarizeInvocations(
  invocations: Iterable<MeasuredInvocation>,
  options: CompareOptions = {},
): ResultSet {
  const groups = new Map<string, Group>();
  for (const { warmup, result } of invocations) {
    if (warmup) continue;
    const key = cellKey(result);
    let group = groups.get(key);
    if (!group) {
      group = { first: result, failures: 0, samples: emptySamples() };
      groups.set(key, group);
    }
    if (!result.ok) {
      group.failures++;
      continue;
    }
    for (const phase of PHASES) {
      // Phases an invocation has no value for (old logs, no thesis mark) are left out of
      // that phase's sample only: each Summary carries its own n.
      const value = phaseValue(result.timings, phase);
      if (value !== null) group.samples[phase].push(value);
    }
  }
  const level = options.level ?? DEFAULT_LEVEL;
  const results: CellResult[] = [];
  for (const group of groups.values()) {
    const stats = {} as CellResult['stats'];
    const flagged = {} as CellResult['outliers'];
    for (const phase of PHASES) {
      stats[phase] = summarize(group.samples[phase], level);
      const found = outliers(group.samples[phase]);
      flagged[phase] = { count: found.length, samples: found };
    }
    const { function: fn, runtime, mode, input, emulated, variant } = group.first;
    results.push({
      ...(emulated ? { emulated } : {}),
      function: fn,
      runtime,
      mode,
      input,
      ...(variant ? { variant } : {}),
      n: group.samples.totalMs.length,
      failures: group.failures,
      stats,
      outliers: flagged,
    });
  }
  // Variants are compared step by step in their own table (report/variant-ladder.ts).
  const comparisons = compareGroups(
    [...groups.values()]
      .filter((group) => !group.first.variant)
      .map((group) => ({
        function: group.first.function,
        runtime: group.first.runtime,
        mode: group.first.mode,
        input: group.first.input,
        samples: group.samples,
      })),
    options,
  );
  return { results, comparisons };
}

function emptySamples(): Record<Phase, number[]> {
  return Object.fromEntries(PHASES.map((phase) => [phase, []])) as unknown as Record<
    Phase,
    number[]
  >;
}
