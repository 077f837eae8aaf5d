/**
 * The plan of a face's choice, with the profile's experiment settings for what it leaves out:
 * `nebula bench` (its flags) and the console's `s` (the selected function) both build theirs
 * here, so the same profile gives the same plan.
 */
import type { Mode, RuntimeName } from '../core/invocation.js';
import type { Lane, PlanOrder } from '../core/plan.js';
import { type ExperimentPlan, type IdleLayout, parseExperimentPlan } from './plan.js';

/** The experiment settings a profile carries (`experiment` in profiles/schema.ts). */
export interface ExperimentSettings {
  repetitions: number;
  warmup: number;
  pauseMs: number;
  baselineSeconds: number;
  blocks: number;
  blockSeconds?: number;
}

/**
 * A profile's settings when it gives none (the defaults of `experiment` in
 * profiles/schema.ts; a test checks they agree), for a gateway started without a profile.
 */
export const DEFAULT_EXPERIMENT_SETTINGS: ExperimentSettings = {
  repetitions: 20,
  warmup: 2,
  pauseMs: 0,
  baselineSeconds: 10,
  blocks: 6,
};

export interface PlanChoice {
  functions: Array<{ name: string; inputs: string[]; skip?: RuntimeName[] }>;
  runtimes: RuntimeName[];
  /** Runtimes and variants of them, instead of the runtimes' own turns (counted plans). */
  lanes?: Lane[] | null;
  modes: Mode[];
  repetitions?: number;
  warmup?: number;
  pauseMs?: number;
  order?: PlanOrder;
  /** Energy by duration; null or left out: a counted plan. */
  energy?: {
    blocks?: number;
    blockSeconds?: number;
    baselineSeconds?: number;
    idle?: IdleLayout;
    precision?: number;
    maxSeconds?: number;
  } | null;
}

/** The plan, checked by the one schema (an ExperimentPlanError names the field). */
export function planFromProfile(settings: ExperimentSettings, choice: PlanChoice): ExperimentPlan {
  const { energy } = choice;
  return parseExperimentPlan({
    functions: choice.functions,
    runtimes: choice.runtimes,
    ...(choice.lanes ? { lanes: choice.lanes } : {}),
    modes: choice.modes,
    repetitions: choice.repetitions ?? settings.repetitions,
    warmup: choice.warmup ?? settings.warmup,
    pauseMs: choice.pauseMs ?? settings.pauseMs,
    ...(choice.order ? { order: choice.order } : {}),
    energy: energy
      ? {
          blocks: energy.blocks ?? settings.blocks,
          blockSeconds: energy.blockSeconds ?? settings.blockSeconds ?? null,
          baselineSeconds: energy.baselineSeconds ?? settings.baselineSeconds,
          ...(energy.idle ? { idle: energy.idle } : {}),
          ...(energy.precision === undefined ? {} : { precision: energy.precision }),
          ...(energy.maxSeconds === undefined ? {} : { maxSeconds: energy.maxSeconds }),
        }
      : null,
  });
}
