/**
 * `nebula bench --plan FILE [--thin K]`: the plan file (measure/plan-file.ts) with the
 * profile's experiment settings for what it leaves out, every K-th input kept, and the cells
 * a runtime can never run skipped with the reason, as bench skips them for its flags.
 */
import { readFileSync } from 'node:fs';
import { unavailableReason } from '../../catalog/availability.js';
import type { Manifest } from '../../catalog/manifest.js';
import { UsageError } from '../../core/errors.js';
import type { RuntimeName } from '../../core/invocation.js';
import { buildPlan, PlanError, planInvocations } from '../../core/plan.js';
import type { ExperimentPlan } from '../../measure/plan.js';
import { PlanFileError, planFromFile, thinPlan } from '../../measure/plan-file.js';
import type { Profile } from '../../profiles/schema.js';

/** Bench flags that a plan file sets: given beside --plan they would be ignored, so refused. */
const SET_BY_THE_PLAN = [
  ['functions', '--functions'],
  ['inputs', '--inputs'],
  ['n', '-n'],
  ['warmup', '--warmup'],
  ['pauseMs', '--pause-ms'],
  ['order', '--order'],
  ['variants', '--variants'],
  ['power', '--power'],
  ['blocks', '--blocks'],
  ['blockSeconds', '--block-seconds'],
  ['baseline', '--baseline'],
  ['idle', '--idle'],
  ['precision', '--precision'],
  ['maxMinutes', '--max-minutes'],
] as const;

export interface PlanFileChoice {
  plan: ExperimentPlan;
  skipped: Array<{ function: string; runtime: RuntimeName; reason: string }>;
  /** What the plan file calls itself (its name, else the path). */
  name: string;
}

export function benchPlanFromFile(
  path: string,
  thin: number | undefined,
  options: Record<string, unknown>,
  profile: Profile,
  fn: (name: string) => { manifest: Manifest },
): PlanFileChoice {
  const given = SET_BY_THE_PLAN.filter(([key]) => options[key] !== undefined);
  if (given.length > 0) {
    throw new UsageError(
      `${given.map(([, flag]) => flag).join(', ')}: the plan file sets these; change them in ${path}, or leave out --plan`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read the plan ${path}: ${(error as Error).message}; give a plan file such as plans/thesis.json`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`);
  }
  const settings = profile.experiment;
  let plan: ExperimentPlan;
  try {
    plan = planFromFile(json, {
      repetitions: settings.repetitions,
      warmup: settings.warmup,
      pauseMs: settings.pauseMs,
      blocks: settings.blocks,
      blockSeconds: settings.blockSeconds ?? null,
      baselineSeconds: settings.baselineSeconds,
    });
    if (thin !== undefined) plan = thinPlan(plan, thin);
  } catch (error) {
    if (error instanceof PlanFileError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
  const skipped: PlanFileChoice['skipped'] = [];
  const functions = plan.functions.map((entry, index) => {
    let manifest: Manifest;
    try {
      manifest = fn(entry.name).manifest;
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      throw new UsageError(`${path}: functions[${index}].name: ${error.message}`);
    }
    const lanes = entry.lanes ?? plan.lanes ?? plan.runtimes.map((runtime) => ({ runtime }));
    const runtimes = new Set(lanes.map((lane) => lane.runtime));
    const skip = new Set(entry.skip ?? []);
    for (const runtime of runtimes) {
      const reason = skip.has(runtime) ? null : unavailableReason(manifest, runtime);
      if (reason) {
        skipped.push({ function: entry.name, runtime, reason });
        skip.add(runtime);
      }
    }
    return skip.size > 0 ? { ...entry, skip: [...skip] } : entry;
  });
  plan = { ...plan, functions };
  try {
    buildPlan(plan); // checked whole before anything starts: its size, a function no runtime runs
  } catch (error) {
    if (error instanceof PlanError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
  const name =
    typeof (json as { name?: unknown }).name === 'string' ? (json as { name: string }).name : path;
  return { plan, skipped, name };
}

/** "plan thesis: 13,524 invocations (4 functions, 1,127 inputs, cold, 6 + 0 warm-ups per cell)" */
export function planCountLine(choice: PlanFileChoice, thin: number | undefined): string {
  const { plan } = choice;
  const inputs = plan.functions.reduce((n, fn) => n + fn.inputs.length, 0);
  const thinned = thin && thin > 1 ? ` (one in ${thin} kept)` : '';
  const shape = `${plan.functions.length} functions, ${inputs.toLocaleString('en-US')} inputs${thinned}, ${plan.modes.join(' and ')}`;
  if (plan.energy) {
    return `plan ${choice.name}: energy by blocks of time (${shape}, ${plan.energy.blocks} blocks per runtime and cell)`;
  }
  const count = planInvocations(plan).toLocaleString('en-US');
  return `plan ${choice.name}: ${count} invocations (${shape}, ${plan.repetitions} measured and ${plan.warmup} warm-ups per cell)`;
}
