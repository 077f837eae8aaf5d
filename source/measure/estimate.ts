/**
 * How long a plan will take, before it runs. A counted plan: each step's cost from the cost
 * book (earlier sessions of this machine, or a calibration: cost-model.ts), plus its pauses.
 * An energy plan: mostly its blocks and idle windows, which the plan itself fixes (blocks x
 * block seconds x runtimes x cells, idle beside each block, the baselines). Image builds and
 * deploys before the run are not counted. Pure: the faces (bench, the console, a plan
 * picker) say it their way.
 */
import { buildPlan, type Step } from '../core/plan.js';
import { blockSecondsFor } from './block-figures.js';
import {
  type CostBook,
  type CostKey,
  type CostOrigin,
  costKeyId,
  costKeyText,
  growthModel,
} from './cost-model.js';
import type { EnergyPlan, ExperimentPlan } from './plan.js';

/** One function's lane in one mode, as the plan uses it. */
export interface LaneUse {
  key: CostKey;
  /** The plan's inputs for it, in plan order, each once. */
  inputs: string[];
  invocations: number;
}

/** What the estimate of one lane rests on. */
export interface LaneEstimate extends LaneUse {
  /** null: no cost known (neither logs nor calibration gave one): counted as 0. */
  origin: CostOrigin | null;
  seconds: number;
  /** Sessions (logs) it came from. */
  sources: number;
  /** The inputs costs were seen at. */
  seen: string[];
  /** Plan inputs past those seen, whose cost followed the function's growth model. */
  extrapolated: string[];
}

export interface CountedEstimate {
  kind: 'counted';
  /** Of the priced lanes only, when some are not (`unpriced`). */
  seconds: number;
  /** Lanes no cost was known for (counted as 0). */
  unpriced: number;
  invocations: number;
  /** Seconds the run should have taken once step i has finished (its pause included). */
  cumulative: Float64Array;
  lanes: LaneEstimate[];
}

export interface EnergyEstimate {
  kind: 'energy';
  /** The run without a precision, or the least it takes with one. */
  seconds: number;
  /** With a precision: the most it can take (each group of cells up to its cap). */
  maxSeconds: number | null;
  blockSeconds: number;
  /** Whether blockSeconds was sized from the source's reading interval (not the plan's). */
  blockSecondsSized: boolean;
  intervalS: number;
  blocks: number;
  groups: number;
  lanes: number;
  /** Seconds the run should have taken once `blocks` blocks have finished. */
  afterBlocks: (blocks: number) => number;
}

export type PlanEstimate = CountedEstimate | EnergyEstimate;

/** The plan's steps (counted plans), in run order. */
function stepsOf(plan: ExperimentPlan): Step[] {
  return buildPlan({
    functions: plan.functions,
    runtimes: plan.runtimes,
    ...(plan.lanes ? { lanes: plan.lanes } : {}),
    modes: plan.modes,
    repetitions: plan.repetitions,
    warmup: plan.warmup,
    order: plan.order,
  });
}

function keyOf(cell: Step['cell']): CostKey {
  return {
    function: cell.function,
    runtime: cell.runtime,
    mode: cell.mode,
    ...(cell.variant ? { variant: cell.variant } : {}),
  };
}

/** Every lane the plan uses, with its inputs: what a calibration must cover. */
export function laneUses(plan: ExperimentPlan): LaneUse[] {
  const uses = new Map<string, LaneUse & { held: Set<string> }>();
  for (const step of stepsOf(plan)) {
    const key = keyOf(step.cell);
    const id = costKeyId(key);
    const use = uses.get(id) ?? { key, inputs: [], invocations: 0, held: new Set<string>() };
    if (!use.held.has(step.cell.input)) {
      use.held.add(step.cell.input);
      use.inputs.push(step.cell.input);
    }
    use.invocations++;
    uses.set(id, use);
  }
  return [...uses.values()].map(({ held: _held, ...use }) => use);
}

/** A counted plan's estimate from the costs known; lanes without one count 0 and say so. */
export function estimateCounted(plan: ExperimentPlan, book: CostBook): CountedEstimate {
  const steps = stepsOf(plan);
  const cumulative = new Float64Array(steps.length);
  const lanes = new Map<string, LaneEstimate>();
  const costs = new Map<string, number>();
  const pause = plan.pauseMs / 1000;
  let total = 0;
  for (const step of steps) {
    const key = keyOf(step.cell);
    const id = costKeyId(key);
    let lane = lanes.get(id);
    if (!lane) {
      const known = book.describe(key);
      lane = {
        key,
        inputs: [],
        invocations: 0,
        origin: known?.origin ?? null,
        seconds: 0,
        sources: known?.sources ?? 0,
        seen: known?.inputs ?? [],
        extrapolated: [],
      };
      lanes.set(id, lane);
    }
    const costId = `${id}/${step.cell.input}`;
    let seconds = costs.get(costId);
    if (seconds === undefined) {
      const cost = book.cost(key, step.cell.input);
      seconds = cost?.seconds ?? 0;
      costs.set(costId, seconds);
      lane.inputs.push(step.cell.input);
      if (cost?.how === 'extrapolated') lane.extrapolated.push(step.cell.input);
    }
    lane.invocations++;
    lane.seconds += seconds;
    total += (step.index > 0 ? pause : 0) + seconds;
    cumulative[step.index] = total;
  }
  return {
    kind: 'counted',
    seconds: total,
    unpriced: [...lanes.values()].filter((lane) => lane.origin === null).length,
    invocations: steps.length,
    cumulative,
    lanes: [...lanes.values()],
  };
}

/**
 * An energy plan's duration as duration-run.ts spends it: idle before; per group of cells
 * (function, input, mode) each runtime's block in turn, each followed, with interleaved idle,
 * by a reading interval to settle and an idle window as long as a block; then a reading
 * interval and idle after. `intervalS` is the source's reading interval (its expected one
 * before the run). Warm-ups before each group are not counted (a few invocations).
 */
export function estimateEnergy(plan: ExperimentPlan, intervalS: number): EnergyEstimate {
  const energy = plan.energy as EnergyPlan;
  const blockSeconds = energy.blockSeconds ?? blockSecondsFor(intervalS);
  const groups = plan.functions.reduce((n, fn) => {
    const runtimes = plan.runtimes.filter((runtime) => !fn.skip?.includes(runtime));
    return n + (runtimes.length > 0 ? fn.inputs.length * plan.modes.length : 0);
  }, 0);
  const lanes = plan.runtimes.length;
  const perBlock = blockSeconds + (energy.idle === 'interleaved' ? intervalS + blockSeconds : 0);
  const before = energy.baselineSeconds;
  // The idle after waits a reading interval first (duration-run.ts baseline 'after').
  const after = before > 0 ? intervalS + before : 0;
  const blocksTotal = groups * lanes * energy.blocks;
  const seconds = before + blocksTotal * perBlock + after;
  let maxSeconds: number | null = null;
  if (energy.precision !== null) {
    // A group stops adding rounds once it has spent maxSeconds: at most one round past it.
    const round = lanes * perBlock;
    const perGroup = Math.max(energy.blocks * round, Math.ceil(energy.maxSeconds / round) * round);
    maxSeconds = before + groups * perGroup + after;
  }
  return {
    kind: 'energy',
    seconds,
    maxSeconds,
    blockSeconds,
    blockSecondsSized: energy.blockSeconds === null,
    intervalS,
    blocks: energy.blocks,
    groups,
    lanes,
    afterBlocks: (blocks) => before + blocks * perBlock,
  };
}

/** Lines that say what an estimate rests on, for a terminal. */
export function estimateLines(estimate: PlanEstimate, plan: ExperimentPlan): string[] {
  if (estimate.kind === 'energy') return energyLines(estimate, plan.energy as EnergyPlan);
  const what = `${estimate.invocations.toLocaleString('en-US')} invocations${plan.pauseMs > 0 ? ` and their ${plan.pauseMs} ms pauses` : ''}; image builds and deploys not counted`;
  const lines = [
    estimate.unpriced === 0
      ? `estimated duration: ${formatDuration(estimate.seconds)} (${what})`
      : `estimated duration: unknown, ${estimate.unpriced} of ${estimate.lanes.length} lanes unpriced; ${formatDuration(estimate.seconds)} for the rest (${what})`,
  ];
  for (const lane of estimate.lanes) {
    const where =
      lane.origin === null
        ? 'unpriced (no earlier session on this machine, not calibrated)'
        : lane.origin === 'logs'
          ? `from ${lane.sources} earlier session${lane.sources === 1 ? '' : 's'} on this machine (${inputsText(lane.seen)} seen)`
          : `from a calibration (${inputsText(lane.seen)})`;
    const model = growthModel(lane.key.function);
    const past =
      lane.extrapolated.length === 0
        ? ''
        : `; ${inputsText(lane.extrapolated)} past those seen, ${model.grows ? `extrapolated: ${model.says}` : `held at the nearest seen (${model.says})`}`;
    lines.push(
      `  ${costKeyText(lane.key)}: ${formatDuration(lane.seconds)} for ${lane.invocations.toLocaleString('en-US')}, ${where}${past}`,
    );
  }
  return lines;
}

function energyLines(estimate: EnergyEstimate, energy: EnergyPlan): string[] {
  const sized = estimate.blockSecondsSized
    ? ` (sized from the source's reading interval, ${estimate.intervalS} s expected)`
    : '';
  const idle =
    energy.idle === 'interleaved' ? ', each followed by as much idle' : ', idle only around';
  const head =
    estimate.maxSeconds === null
      ? `estimated duration: ${formatDuration(estimate.seconds)}`
      : `estimated duration: at least ${formatDuration(estimate.seconds)}, at most ${formatDuration(estimate.maxSeconds)} (--precision adds blocks until reached, each group of cells capped at ${formatDuration(energy.maxSeconds)}: --max-minutes)`;
  return [
    head,
    `  ${estimate.groups} group${estimate.groups === 1 ? '' : 's'} of cells x ${estimate.lanes} runtimes x ${estimate.blocks} blocks of ${estimate.blockSeconds} s${sized}${idle}; ${energy.baselineSeconds} s idle before and after (warm-ups, image builds and deploys not counted)`,
  ];
}

/** "0-30", "0, 20 and 40", "7 inputs" */
export function inputsText(inputs: readonly string[]): string {
  if (inputs.length === 0) return 'no input';
  const numbers = inputs.map(Number);
  if (inputs.length > 3 && numbers.every(Number.isFinite)) {
    return `inputs ${Math.min(...numbers)}-${Math.max(...numbers)}`;
  }
  if (inputs.length > 3) return `${inputs.length} inputs`;
  const shown = inputs.map((input) => JSON.stringify(input).replace(/^"(-?[\d.]+)"$/, '$1'));
  if (shown.length === 1) return `input ${shown[0]}`;
  return `inputs ${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

/** "42 s", "3 min 20 s", "2 h 05 min", "3 d 4 h"; under 10 s with a tenth. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 10) return `${(Math.round(seconds * 10) / 10).toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const m = Math.round(s / 60);
  if (m < 24 * 60) return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
  const h = Math.round(s / 3600);
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
