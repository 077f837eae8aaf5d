/**
 * Experiment plans: functions x inputs x modes x runtimes x repetitions, as the ordered list of
 * invocations to make. Pure: the runner (source/experiment) executes a plan.
 */
import { InputBoundError, inputProblem, maxInputBytes } from './input-bound.js';
import type { InvocationResult, Mode, RuntimeName } from './invocation.js';

/** One line of a results table: every measured invocation of a cell is one sample. */
export interface Cell {
  function: string;
  runtime: RuntimeName;
  mode: Mode;
  input: string;
  /** A named variant of the runtime (runtimes/variants.ts); absent for its defaults. */
  variant?: string;
}

/** A runtime, or one variant of it, that takes its turn in each round. */
export interface Lane {
  runtime: RuntimeName;
  variant?: string;
}

export interface PlanSpec {
  /**
   * Each function with the inputs to run it on (already resolved, e.g. its defaultInput) and
   * the runtimes it can never run on (no cell is made for those; the caller says why).
   */
  functions: ReadonlyArray<{
    name: string;
    inputs: readonly string[];
    skip?: readonly RuntimeName[];
    /** This function's lanes instead of the plan's (a plan file gives each function its own). */
    lanes?: readonly Lane[];
  }>;
  runtimes: readonly RuntimeName[];
  /** Instead of runtimes: runtimes and variants of them, in turn order. */
  lanes?: readonly Lane[];
  modes: readonly Mode[];
  /** Measured invocations per cell. */
  repetitions: number;
  /** Invocations per cell run first and not counted in the statistics. */
  warmup: number;
  /**
   * `interleaved` (the default): runtimes take turns, A B A B. `blocked`: each cell's
   * invocations back to back, A A A B B B, so a power plug that reads once a second sees one
   * runtime at a time for long enough to attribute energy to it.
   */
  order?: PlanOrder;
  /** The most one input may carry (core/input-bound.ts); else NEBULA_MAX_INPUT_BYTES or 1 MiB. */
  maxInputBytes?: number;
}

export const PLAN_ORDERS = ['interleaved', 'blocked'] as const;
export type PlanOrder = (typeof PLAN_ORDERS)[number];

export interface Step {
  /** Position in the plan, from 0. */
  index: number;
  cell: Cell;
  warmup: boolean;
  /** 0-based count within the cell, warm-ups and measured runs counted separately. */
  repetition: number;
}

/** One finished invocation of the plan, as logged and summarised. */
export interface StepRecord {
  experiment: string;
  step: number;
  cell: string;
  warmup: boolean;
  repetition: number;
  /** Wall clock when the invocation was handed to the runtime. */
  at: number;
  result: InvocationResult;
  /** With energy: the block the invocation ran in (warm-ups have none). */
  block?: number;
  /** With energy: host monotonic ns (decimal) just before handing it over and once done. */
  startNs?: string;
  endNs?: string;
}

/**
 * A stable text key for a cell: function/runtime/mode/input (input JSON-quoted); a variant
 * follows the runtime in brackets, function/runtime[variant]/mode/input.
 */
export function cellKey(cell: Cell): string {
  const runtime = cell.variant ? `${cell.runtime}[${cell.variant}]` : cell.runtime;
  return `${cell.function}/${runtime}/${cell.mode}/${JSON.stringify(cell.input)}`;
}

/** How a runtime and its variant read in tables: `container`, `container[net=bridge]`. */
export function laneLabel(lane: { runtime: string; variant?: string | undefined }): string {
  return lane.variant ? `${lane.runtime}[${lane.variant}]` : lane.runtime;
}

function lanesOf(spec: PlanSpec): Lane[] {
  return spec.lanes ? [...spec.lanes] : spec.runtimes.map((runtime) => ({ runtime }));
}

/** The lanes one function takes its turns on: its own, else the plan's, less those it skips. */
function functionLanes(spec: PlanSpec, fn: PlanSpec['functions'][number]): Lane[] {
  return (fn.lanes ? [...fn.lanes] : lanesOf(spec)).filter(
    (lane) => !fn.skip?.includes(lane.runtime),
  );
}

export class PlanError extends Error {
  override name = 'PlanError';
}

/**
 * Within a group (one function, input and mode) the runtimes take turns, A B A B, for the
 * warm-ups and then for the measured runs, so a drift of the machine (heat, a neighbour's
 * load) hits every runtime alike instead of all of one runtime's runs. Energy needs the
 * `blocked` order instead (see PlanSpec.order).
 */
export function buildPlan(spec: PlanSpec): Step[] {
  checkSpec(spec);
  const steps: Step[] = [];
  for (const fn of spec.functions) {
    // A function's skipped runtimes (and their variants) sit out its rounds.
    const lanes = functionLanes(spec, fn);
    for (const input of fn.inputs) {
      for (const mode of spec.modes) {
        const round = (lanes: readonly Lane[], warmup: boolean, count: number) => {
          for (let repetition = 0; repetition < count; repetition++) {
            for (const { runtime, variant } of lanes) {
              const cell: Cell = { function: fn.name, runtime, mode, input };
              if (variant) cell.variant = variant;
              steps.push({ index: steps.length, cell, warmup, repetition });
            }
          }
        };
        if (spec.order === 'blocked') {
          for (const lane of lanes) {
            round([lane], true, spec.warmup);
            round([lane], false, spec.repetitions);
          }
        } else {
          round(lanes, true, spec.warmup);
          round(lanes, false, spec.repetitions);
        }
      }
    }
  }
  return steps;
}

function checkSpec(spec: PlanSpec): void {
  if (spec.functions.length === 0) throw new PlanError('no function to run');
  if (lanesOf(spec).length === 0) throw new PlanError('no runtime to run on');
  if (spec.modes.length === 0) throw new PlanError('no mode to run in');
  if (!Number.isInteger(spec.repetitions) || spec.repetitions < 1) {
    throw new PlanError(`repetitions must be a whole number >= 1, got ${spec.repetitions}`);
  }
  if (!Number.isInteger(spec.warmup) || spec.warmup < 0) {
    throw new PlanError(`warm-ups must be a whole number >= 0, got ${spec.warmup}`);
  }
  const maxInput = spec.maxInputBytes ?? planInputBound();
  for (const fn of spec.functions) {
    if (fn.inputs.length === 0) throw new PlanError(`no input for ${fn.name}`);
    for (const [index, input] of fn.inputs.entries()) {
      const problem = inputProblem(input, maxInput, `input ${index + 1} of ${fn.name}`);
      if (problem) throw new PlanError(problem);
    }
    const own = fn.lanes ?? lanesOf(spec);
    if (own.length === 0) throw new PlanError(`no runtime to run ${fn.name} on`);
    if (functionLanes(spec, fn).length === 0) {
      throw new PlanError(`${fn.name} can run on none of ${own.map(laneLabel).join(', ')}`);
    }
    checkDistinct(own);
  }
  checkDistinct(lanesOf(spec));
  const total = planInvocations(spec);
  if (total > MAX_PLAN_INVOCATIONS) {
    throw new PlanError(
      `the plan has ${total} invocations, more than one run holds (${MAX_PLAN_INVOCATIONS}); lower -n, --warmup or the number of inputs, functions or runtimes, and run it in parts`,
    );
  }
}

function checkDistinct(lanes: readonly Lane[]): void {
  const seen = new Set<string>();
  for (const lane of lanes) {
    const label = laneLabel(lane);
    if (seen.has(label)) throw new PlanError(`runtime ${label} is listed twice`);
    seen.add(label);
  }
}

/** Invocations a counted plan makes, warm-ups included (buildPlan's length, without building). */
export function planInvocations(spec: PlanSpec): number {
  const perInput = spec.modes.length * (spec.repetitions + spec.warmup);
  return spec.functions.reduce(
    (sum, fn) => sum + fn.inputs.length * functionLanes(spec, fn).length * perInput,
    0,
  );
}

function planInputBound(): number {
  try {
    return maxInputBytes();
  } catch (error) {
    if (error instanceof InputBoundError) throw new PlanError(error.message);
    throw error;
  }
}

/** Every record of a run is kept in memory for its summary: this bounds it (about 100 MB). */
export const MAX_PLAN_INVOCATIONS = 100_000;

const RANGE = /^(-?\d+):(-?\d+)(?::(\d+))?$/;
const MAX_SWEEP = 10_000;

/**
 * `--inputs` text: a comma-separated list whose items are literal inputs or integer sweeps
 * `FROM:TO[:STEP]` (both ends included, STEP > 0, default 1): "0:30:5" is 0 5 10 ... 30,
 * "1,2,10:12" is 1 2 10 11 12. Anything that is not a sweep is kept as written.
 */
export function parseInputs(text: string): string[] {
  const inputs: string[] = [];
  for (const item of text.split(',')) {
    const match = RANGE.exec(item.trim());
    if (!match) {
      inputs.push(item);
      continue;
    }
    const from = Number(match[1]);
    const to = Number(match[2]);
    const step = match[3] === undefined ? 1 : Number(match[3]);
    if (step <= 0) throw new PlanError(`input sweep "${item}": the step must be > 0`);
    if (to < from) {
      throw new PlanError(`input sweep "${item}": FROM must not exceed TO (write FROM:TO:STEP)`);
    }
    if ((to - from) / step + 1 > MAX_SWEEP) {
      throw new PlanError(`input sweep "${item}" has more than ${MAX_SWEEP} values`);
    }
    for (let value = from; value <= to; value += step) inputs.push(String(value));
  }
  return inputs;
}
