/**
 * One experiment started from the console: the idle baseline, then the plan through the
 * experiment runner while the power source is recorded, then the energy per invocation by the
 * power room's attribution. Everything is written to the session log as it comes.
 */

import type { RuntimeName } from '../core/invocation.js';
import { buildPlan, cellKey, type PlanSpec } from '../core/plan.js';
import { engineInvoke } from '../experiment/engine-invoke.js';
import { type ExperimentOutcome, ExperimentRunner, type StepRecord } from '../experiment/runner.js';
import type { InvocationEngine } from '../gateway/invocation-engine.js';
import { type CellEnergyResult, cellEnergies } from '../power/cell-energy.js';
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
  /** Energy per invocation of each runtime's back-to-back batch; null without power. */
  energy: Partial<Record<RuntimeName, CellEnergyResult>> | null;
}

export async function runConsoleExperiment(
  engine: InvocationEngine,
  spec: PlanSpec,
  settings: Profile['experiment'],
  power: PowerSource | null,
  signal: AbortSignal,
  hooks: ExperimentHooks,
): Promise<ConsoleExperimentResult> {
  const usablePower = power && power.status().state !== 'stopped' ? power : null;
  // A plug reads about once a second: with power, each runtime's invocations run back to
  // back so each gets a window of its own (as `nebula bench` does); without, they alternate.
  const plan = buildPlan({
    ...spec,
    order: usablePower ? 'blocked' : (spec.order ?? 'interleaved'),
  });
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
    samples,
    gaps,
  } = await withPower(usablePower, write, () => runner.run());
  const runs = outcome.records.map((record) => ({
    cell: record.cell,
    step: record.step,
    warmup: record.warmup,
    at: record.at,
    totalMs: record.result.timings.totalMs,
  }));
  const runtimeOf = new Map(plan.map((step) => [cellKey(step.cell), step.cell.runtime]));
  const energy: Partial<Record<RuntimeName, CellEnergyResult>> = {};
  for (const result of cellEnergies(runs, samples, gaps, baseline)) {
    const runtime = runtimeOf.get(result.cell);
    if (runtime) energy[runtime] = result;
    hooks.log({ type: 'energy', at: Date.now(), experiment: runner.experiment, ...result });
  }
  return { outcome, energy };
}
