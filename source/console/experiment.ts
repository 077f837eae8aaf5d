/**
 * One experiment started from the console: the idle baseline, then the plan through the
 * experiment runner while the power source is recorded, then the energy per invocation by the
 * power room's attribution. Everything is written to the session log as it comes.
 */
import { buildPlan, type PlanSpec } from '../core/plan.js';
import { engineInvoke } from '../experiment/engine-invoke.js';
import { type ExperimentOutcome, ExperimentRunner, type StepRecord } from '../experiment/runner.js';
import type { InvocationEngine } from '../gateway/invocation-engine.js';
import { attributeEnergy, type EnergyAttribution } from '../power/energy.js';
import { measureBaseline, type PowerRecord, withPower } from '../power/record.js';
import type { PowerSource } from '../power/source.js';
import type { Profile } from '../profiles/schema.js';
import type { AnyRecord } from '../session/records.js';

export interface ExperimentHooks {
  /** Around each invocation: the console keeps its drawing out of the measured time. */
  around: <T>(invoke: () => Promise<T>) => Promise<T>;
  log: (record: AnyRecord) => void;
  logStep: (step: StepRecord) => void;
  onStart: (experiment: string, total: number) => void;
  onBaseline: (watts: number | null) => void;
  onRunning: () => void;
  onRecord: (step: StepRecord, done: number, total: number) => void;
}

export interface ConsoleExperimentResult {
  outcome: ExperimentOutcome;
  energy: EnergyAttribution | null;
}

export async function runConsoleExperiment(
  engine: InvocationEngine,
  spec: PlanSpec,
  settings: Profile['experiment'],
  power: PowerSource | null,
  signal: AbortSignal,
  hooks: ExperimentHooks,
): Promise<ConsoleExperimentResult> {
  const plan = buildPlan(spec);
  const invoke = engineInvoke(engine);
  const runner = new ExperimentRunner(plan, {
    invoke: (cell, abort) => hooks.around(() => invoke(cell, abort)),
    pauseMs: settings.pauseMs,
    signal,
  });
  hooks.onStart(runner.experiment, plan.length);
  hooks.log({ type: 'experiment', at: Date.now(), experiment: runner.experiment, spec, settings });
  runner.on('record', ({ record, done, total }) => {
    // Written before the next invocation starts, as `nebula bench` does.
    hooks.logStep(record);
    hooks.onRecord(record, done, total);
  });
  const write = (record: PowerRecord) => hooks.log({ ...record });
  const usablePower = power && power.status().state !== 'stopped' ? power : null;

  let baseline: { watts: number | null; reason: string | null } | null = null;
  if (usablePower && settings.baselineSeconds > 0) {
    try {
      baseline = await measureBaseline(usablePower, settings.baselineSeconds, { signal, write });
      hooks.log({ type: 'baseline', at: Date.now(), experiment: runner.experiment, ...baseline });
      hooks.onBaseline(baseline.watts);
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  }
  hooks.onRunning();
  if (!usablePower) return { outcome: await runner.run(), energy: null };

  const {
    result: outcome,
    window,
    samples,
    gaps,
  } = await withPower(usablePower, write, () => runner.run());
  const energy = attributeEnergy(samples, window, outcome.records.length, baseline, gaps);
  hooks.log({ type: 'energy', at: Date.now(), experiment: runner.experiment, ...energy });
  return { outcome, energy };
}
