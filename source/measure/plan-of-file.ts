/**
 * A plan file as every face runs it (`nebula bench --plan`, the console's plan picker, a
 * gateway's POST /experiments with "planFile"): read, parsed with the profile's experiment
 * settings for what it leaves out, every K-th input kept, the cells a runtime can never run
 * skipped with the reason, checked whole and counted before anything runs. The same file and
 * profile give every face the same plan.
 */
import { readFileSync } from 'node:fs';
import { unavailableReason } from '../catalog/availability.js';
import type { Manifest } from '../catalog/manifest.js';
import { UsageError } from '../core/errors.js';
import type { RuntimeName } from '../core/invocation.js';
import { buildPlan, PlanError, planInvocations } from '../core/plan.js';
import type { ExperimentPlan } from './plan.js';
import { PlanFileError, planFromFile, thinPlan } from './plan-file.js';
import type { ExperimentSettings } from './plan-from-profile.js';

/** A plan file refused: the message names the file, the field and the fix. */
export class PlanFileRefusal extends UsageError {
  override name = 'PlanFileRefusal';
  /** The field of the file at fault (`functions[0].name`), `thin`, or `file` when unreadable. */
  readonly field: string;
  constructor(message: string, field: string) {
    super(message);
    this.field = field;
  }
}

export interface SkippedCell {
  function: string;
  runtime: RuntimeName;
  reason: string;
}

export interface PlanFileChoice {
  plan: ExperimentPlan;
  skipped: SkippedCell[];
  /** What the plan file calls itself (its name, else where it came from). */
  name: string;
  /** The file's description, or null. */
  description: string | null;
  /** The K of "every K-th input"; 1 keeps them all. */
  thin: number;
  /** Inputs over all functions, after thinning. */
  inputs: number;
  /** Invocations of a counted plan (warm-ups included); null when energy sets it by time. */
  invocations: number | null;
}

export interface PlanFileOptions {
  /** Where the JSON came from, for messages: a path, or "planFile" for a gateway's request. */
  source: string;
  /** Keep every K-th input (`--thin K`); undefined or 1 keeps them all. */
  thin?: number;
  /** The profile's experiment settings, for what the file leaves out. */
  settings: ExperimentSettings;
  /** The function's manifest, or a UsageError naming the known ones (engine.fn). */
  fn: (name: string) => { manifest: Manifest };
}

/** The JSON of a plan file on disk, or a PlanFileRefusal saying what is wrong with it. */
export function readPlanJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PlanFileRefusal(
      `cannot read the plan ${path}: ${(error as Error).message}; give a plan file such as plans/thesis.json`,
      'file',
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PlanFileRefusal(`${path} is not JSON: ${(error as Error).message}`, 'file');
  }
}

/** A plan file's JSON into the plan a face runs, or a PlanFileRefusal naming the field. */
export function planOfFile(json: unknown, options: PlanFileOptions): PlanFileChoice {
  const { source, settings } = options;
  const thin = options.thin ?? 1;
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
    if (thin !== 1) plan = thinPlan(plan, thin);
  } catch (error) {
    if (error instanceof PlanFileError) {
      throw new PlanFileRefusal(`${source}: ${error.message}`, error.field);
    }
    throw error;
  }
  const skipped: SkippedCell[] = [];
  const functions = plan.functions.map((entry, index) => {
    let manifest: Manifest;
    try {
      manifest = options.fn(entry.name).manifest;
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      throw new PlanFileRefusal(
        `${source}: functions[${index}].name: ${error.message}`,
        `functions[${index}].name`,
      );
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
    if (error instanceof PlanError)
      throw new PlanFileRefusal(`${source}: ${error.message}`, 'plan');
    throw error;
  }
  const own = (key: 'name' | 'description'): string | null => {
    const value = (json as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : null;
  };
  return {
    plan,
    skipped,
    name: own('name') ?? source,
    description: own('description'),
    thin,
    inputs: plan.functions.reduce((n, fn) => n + fn.inputs.length, 0),
    invocations: plan.energy ? null : planInvocations(plan),
  };
}

/** "plan thesis: 13,524 invocations (4 functions, 1,127 inputs, cold, 6 measured and 0 warm-ups per cell)" */
export function planCountLine(choice: PlanFileChoice): string {
  const { plan } = choice;
  const thinned = choice.thin > 1 ? ` (one in ${choice.thin} kept)` : '';
  const shape = `${plan.functions.length} functions, ${choice.inputs.toLocaleString('en-US')} inputs${thinned}, ${plan.modes.join(' and ')}`;
  if (choice.invocations === null) {
    return `plan ${choice.name}: energy by blocks of time (${shape}, ${plan.energy?.blocks} blocks per runtime and cell)`;
  }
  const count = choice.invocations.toLocaleString('en-US');
  return `plan ${choice.name}: ${count} invocations (${shape}, ${plan.repetitions} measured and ${plan.warmup} warm-ups per cell)`;
}
