/**
 * What one invocation costs in wall time on a machine, as a function of its input: the
 * seconds from handing one invocation to the runtime to handing over the next (the
 * runtime's own work, the container's removal, the log's write), kept per function, lane
 * (runtime and variant) and mode. Seen inputs give their mean; between two seen inputs the
 * cost is interpolated; past the inputs seen it follows the function's own growth model
 * (fibonacci-recursive doubles about every 1.44 steps of n), said wherever it is used.
 */
import type { Mode } from '../core/invocation.js';
import { laneLabel } from '../core/plan.js';

/** One lane of one function in one mode: the unit costs are kept and looked up by. */
export interface CostKey {
  function: string;
  runtime: string;
  variant?: string | undefined;
  mode: Mode;
}

/** "fibonacci-recursive on container[net=bridge], cold" */
export function costKeyText(key: CostKey): string {
  return `${key.function} on ${laneLabel(key)}, ${key.mode}`;
}

export function costKeyId(key: CostKey): string {
  return `${key.function}/${laneLabel(key)}/${key.mode}`;
}

/** How the work of a function grows with a numeric input n, up to a constant factor. */
export interface GrowthModel {
  /** How people read it: "grows as 1.618^n". */
  says: string;
  /** Work at n, up to a constant; interpolation and extrapolation are linear in it. */
  work: (n: number) => number;
  /** false: the input does not change the work; past the inputs seen the edge's cost holds. */
  grows: boolean;
}

const PHI = (1 + Math.sqrt(5)) / 2;

const CONSTANT: GrowthModel = {
  says: 'taken as not depending on the input',
  work: (n) => n,
  grows: false,
};

/**
 * The catalog's functions by their work: naive recursion (fib(n) calls itself about phi^n
 * times), trial division up to the n-th prime (about n ln n, each tested up to its square
 * root), a big-integer product of n limbs growing with n. Their C and AssemblyScript
 * versions (c-, as-) and prime-number-thesis do the same work. Any other function is taken
 * as constant.
 */
const MODELS: Record<string, GrowthModel> = {
  'fibonacci-recursive': { says: 'grows as 1.618^n', work: (n) => PHI ** n, grows: true },
  'prime-number': {
    says: 'grows as (n ln n)^1.5',
    work: (n) => (Math.max(n, 1) * Math.log(Math.max(n, 1) + 1)) ** 1.5,
    grows: true,
  },
  factorial: { says: 'grows as n^2', work: (n) => n * n, grows: true },
};

export function growthModel(fn: string): GrowthModel {
  // prime-number-thesis finds the (n+1)-th prime: the same work, one prime further.
  return MODELS[fn.replace(/^(c|as)-/, '').replace(/-thesis$/, '')] ?? CONSTANT;
}

/** Where a cost came from. */
export type CostOrigin = 'logs' | 'calibration';

/** A looked-up cost, and how it was found. */
export interface InputCost {
  seconds: number;
  how: 'seen' | 'interpolated' | 'extrapolated' | 'mean';
}

interface Tally {
  sum: number;
  count: number;
}

/** Enough samples of one input: more change its mean little and cost reading time. */
const MAX_SAMPLES_PER_INPUT = 1000;

/** The costs seen, per key and input; what it holds is a mean, so it never grows per sample. */
export class CostBook {
  private readonly keys = new Map<
    string,
    { key: CostKey; origin: CostOrigin; inputs: Map<string, Tally> }
  >();
  /** The sessions (logs or calibrations) that gave each key a cost. */
  private readonly sources = new Map<string, Set<string>>();

  add(key: CostKey, input: string, seconds: number, origin: CostOrigin, source: string): void {
    if (!Number.isFinite(seconds) || seconds < 0) return;
    const id = costKeyId(key);
    let entry = this.keys.get(id);
    if (!entry) {
      entry = { key: { ...key }, origin, inputs: new Map() };
      this.keys.set(id, entry);
    }
    const tally = entry.inputs.get(input) ?? { sum: 0, count: 0 };
    if (tally.count >= MAX_SAMPLES_PER_INPUT) return;
    tally.sum += seconds;
    tally.count++;
    entry.inputs.set(input, tally);
    const sources = this.sources.get(id) ?? new Set();
    sources.add(source);
    this.sources.set(id, sources);
  }

  has(key: CostKey): boolean {
    return this.keys.has(costKeyId(key));
  }

  /** How a key's costs were found: its origin, the sessions, the inputs seen. */
  describe(key: CostKey): { origin: CostOrigin; sources: number; inputs: string[] } | null {
    const entry = this.keys.get(costKeyId(key));
    if (!entry) return null;
    return {
      origin: entry.origin,
      sources: this.sources.get(costKeyId(key))?.size ?? 0,
      inputs: [...entry.inputs.keys()],
    };
  }

  /** The cost of one invocation at `input`, or null when the key was never seen. */
  cost(key: CostKey, input: string): InputCost | null {
    const entry = this.keys.get(costKeyId(key));
    if (!entry) return null;
    const exact = entry.inputs.get(input);
    if (exact) return { seconds: exact.sum / exact.count, how: 'seen' };
    const points = numericPoints(entry.inputs);
    const n = numeric(input);
    if (n === null || points.length === 0) {
      const all = [...entry.inputs.values()];
      const mean = all.reduce((s, t) => s + t.sum / t.count, 0) / all.length;
      return { seconds: mean, how: 'mean' };
    }
    const model = growthModel(key.function);
    const work = (x: number) => model.work(x);
    const first = points[0] as Point;
    const last = points[points.length - 1] as Point;
    if (n > first.n && n < last.n) {
      const upper = points.findIndex((p) => p.n > n);
      const a = points[upper - 1] as Point;
      const b = points[upper] as Point;
      const t = (work(n) - work(a.n)) / (work(b.n) - work(a.n));
      return { seconds: a.seconds + t * (b.seconds - a.seconds), how: 'interpolated' };
    }
    const edge = n < first.n ? first : last;
    if (!model.grows) return { seconds: edge.seconds, how: 'extrapolated' };
    const slope = fitSlope(points, work);
    const seconds = Math.max(0, edge.seconds + slope * (work(n) - work(edge.n)));
    return { seconds, how: 'extrapolated' };
  }
}

interface Point {
  n: number;
  seconds: number;
}

function numeric(input: string): number | null {
  const text = input.trim();
  if (text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

function numericPoints(inputs: Map<string, Tally>): Point[] {
  const points: Point[] = [];
  for (const [input, tally] of inputs) {
    const n = numeric(input);
    if (n !== null) points.push({ n, seconds: tally.sum / tally.count });
  }
  return points.sort((a, b) => a.n - b.n);
}

/**
 * The cost per unit of work, by least squares of seconds on work over the points seen; never
 * below 0 (a noisy machine can make a larger input look cheaper). One point gives 0.
 */
function fitSlope(points: readonly Point[], work: (n: number) => number): number {
  if (points.length < 2) return 0;
  const xs = points.map((p) => work(p.n));
  const meanX = xs.reduce((s, x) => s + x, 0) / xs.length;
  const meanY = points.reduce((s, p) => s + p.seconds, 0) / points.length;
  let cov = 0;
  let varX = 0;
  points.forEach((p, i) => {
    const dx = (xs[i] as number) - meanX;
    cov += dx * (p.seconds - meanY);
    varX += dx * dx;
  });
  return varX > 0 ? Math.max(0, cov / varX) : 0;
}
