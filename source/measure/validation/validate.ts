/**
 * Runs the measurement session itself (session.ts runExperiment, its plan, idle windows,
 * blocks and attribution) on a simulated machine and meter (machine.ts), seeded, and
 * compares each figure with the truth: bias, and how often the 95% interval holds it.
 */
import { cellKey } from '../../core/plan.js';
import type { AnyRecord } from '../../session/records.js';
import type { CellEnergy } from '../block-figures.js';
import { type IdleLayout, parseExperimentPlan } from '../plan.js';
import { runExperiment } from '../session.js';
import { idleJoules, type MachineModel, SimulatedMachine } from './machine.js';
import { type MeterModel, seededRandom } from './meters.js';

/** The truth of one cell: mean energy per invocation over its blocks, in µWh. */
export interface Truth {
  grossMicroWh: number;
  netMicroWh: number;
}

export interface TraceOutcome {
  /** Per runtime, in the machine's order: the figures and the truth. */
  cells: Array<{ runtime: string; energy: CellEnergy; truth: Truth }>;
  /** Simulated seconds the run took. */
  seconds: number;
}

/** The energy part of a plan: what the validation varies. */
export interface TracePlan {
  blocks: number;
  blockSeconds: number | null;
  baselineSeconds: number;
  idle: IdleLayout;
}

const microWh = (joules: number) => (joules / 3600) * 1e6;

/** One seeded run of the session on the simulated machine. */
export async function runTrace(
  seed: number,
  meter: MeterModel,
  model: MachineModel,
  energy: TracePlan,
): Promise<TraceOutcome> {
  const random = seededRandom(seed);
  const machine = new SimulatedMachine(model, meter, random);
  const runtimes = Object.keys(model.runtimes);
  const plan = parseExperimentPlan({
    functions: [{ name: 'simulated', inputs: [''] }],
    runtimes,
    modes: ['warm'],
    warmup: 1,
    energy,
  });
  const sums = new Map<string, { net: number; gross: number; n: number }>();
  const log = (record: AnyRecord) => {
    if (record.type !== 'invocation' || record.block === undefined || record.ok !== true) return;
    const span = machine.joulesByStart.get(record.startNs as string);
    if (!span) throw new Error(`an invocation the machine did not run: ${record.startNs}`);
    const sum = sums.get(record.cell as string) ?? { net: 0, gross: 0, n: 0 };
    sum.net += span[2];
    sum.gross += span[2] + idleJoules(model, span[0], span[1]);
    sum.n++;
    sums.set(record.cell as string, sum);
  };
  const outcome = await runExperiment(plan, {
    invoke: machine.invoker(),
    power: machine.meter,
    clock: machine.clock,
    log,
    experimentId: `validation-${seed}`,
  });
  return {
    seconds: machine.seconds,
    cells: runtimes.map((runtime) => {
      const key = cellKey({ function: 'simulated', runtime, mode: 'warm', input: '' } as never);
      const found = outcome.energy.find((e) => e.cell === key);
      const sum = sums.get(key);
      if (!found || !sum) throw new Error(`no energy for ${runtime}: the run made no block`);
      return {
        runtime,
        energy: found,
        truth: { netMicroWh: microWh(sum.net / sum.n), grossMicroWh: microWh(sum.gross / sum.n) },
      };
    }),
  };
}

/** Bias and coverage of one kind of figure over many runs. */
export interface Accuracy {
  /** Estimates with a figure. */
  n: number;
  /** Mean of (estimate - truth) / truth. */
  bias: number;
  /** Share of estimates whose 95% interval holds the truth; null without intervals. */
  coverage: number | null;
  /** Mean half-width of the interval relative to the estimate; null without intervals. */
  halfWidth: number | null;
}

class Tally {
  private n = 0;
  private relative = 0;
  private withInterval = 0;
  private covered = 0;
  private width = 0;

  add(estimate: number | null, truth: number, low?: number | null, high?: number | null): void {
    if (estimate === null) return;
    this.n++;
    this.relative += (estimate - truth) / truth;
    if (low != null && high != null) {
      this.withInterval++;
      if (truth >= low && truth <= high) this.covered++;
      this.width += (high - low) / 2 / Math.abs(estimate);
    }
  }

  result(): Accuracy {
    return {
      n: this.n,
      bias: this.n === 0 ? Number.NaN : this.relative / this.n,
      coverage: this.withInterval === 0 ? null : this.covered / this.withInterval,
      halfWidth: this.withInterval === 0 ? null : this.width / this.withInterval,
    };
  }
}

export interface ConditionResult {
  runs: number;
  net: Accuracy;
  gross: Accuracy;
  /** The thesis's method (mean of readings inside each invocation), against the true gross. */
  thesis: Accuracy;
}

/** `runs` seeded runs from `firstSeed`; every runtime of each run counts as one estimate. */
export async function validate(
  meter: MeterModel,
  model: MachineModel,
  plan: TracePlan,
  runs: number,
  firstSeed = 1,
): Promise<ConditionResult> {
  const net = new Tally();
  const gross = new Tally();
  const thesis = new Tally();
  for (let i = 0; i < runs; i++) {
    for (const { energy, truth } of (await runTrace(firstSeed + i, meter, model, plan)).cells) {
      const ci = energy.ci95;
      net.add(energy.netMicroWhPerInvocation, truth.netMicroWh, ci.net.low, ci.net.high);
      gross.add(energy.grossMicroWhPerInvocation, truth.grossMicroWh, ci.gross.low, ci.gross.high);
      thesis.add(energy.thesis.grossMicroWhPerInvocation, truth.grossMicroWh);
    }
  }
  return { runs, net: net.result(), gross: gross.result(), thesis: thesis.result() };
}
