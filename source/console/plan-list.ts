/**
 * The plan picker's list: the plan files of the repository's plans/ folder (the shipped
 * thesis plans) and of the user's own plans folder, each read the way `nebula bench --plan`
 * reads it (measure/plan-of-file.ts) with this profile's settings and the picker's thinning,
 * so the counts it shows are what a run will do, and a bad file shows why it cannot run.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { defaultFunctionsDir } from '../catalog/catalog.js';
import type { Manifest } from '../catalog/manifest.js';
import type { CostBook } from '../measure/cost-model.js';
import {
  estimateCounted,
  estimateEnergy,
  formatDuration,
  type PlanEstimate,
} from '../measure/estimate.js';
import type { ExperimentPlan } from '../measure/plan.js';
import type { ExperimentSettings } from '../measure/plan-from-profile.js';
import { type PlanFileChoice, planOfFile, readPlanJson } from '../measure/plan-of-file.js';
import type { RunAbout } from './experiment.js';
import type { PlanEntry } from './state.js';

/** What the picker's thin factor steps through: every K-th input kept. */
export const THIN_STEPS = [1, 2, 3, 5, 10, 20, 50, 100] as const;

/** The next thin factor up (+1) or down (-1) the steps, staying at the ends. */
export function nextThin(thin: number, direction: 1 | -1): number {
  const at = THIN_STEPS.findIndex((step) => step >= thin);
  const index = at === -1 ? THIN_STEPS.length - 1 : at;
  const next = Math.min(THIN_STEPS.length - 1, Math.max(0, index + direction));
  return THIN_STEPS[next] as number;
}

/**
 * Where plans are looked for: plans/ beside functions/ (the repository's), then the user's
 * own folder: NEBULA_PLANS_DIR when set, else $XDG_CONFIG_HOME/nebula/plans (by default
 * ~/.config/nebula/plans) when it exists.
 */
export function planDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const shipped = resolve(defaultFunctionsDir(), '..', 'plans');
  const config = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  const own = env.NEBULA_PLANS_DIR
    ? resolve(env.NEBULA_PLANS_DIR)
    : join(config, 'nebula', 'plans');
  return [...new Set([shipped, own])].filter((dir) => existsSync(dir));
}

/** The *.json files of these folders (the schema aside), each folder's sorted by name. */
export function planFiles(dirs: readonly string[]): string[] {
  return dirs.flatMap((dir) => {
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch {
      return []; // gone or unreadable since it was found: nothing to list there
    }
    return files
      .filter((file) => file.endsWith('.json') && !file.endsWith('.schema.json'))
      .sort()
      .map((file) => join(dir, file));
  });
}

export interface EntryOptions {
  thin: number;
  settings: ExperimentSettings;
  fn: (name: string) => { manifest: Manifest };
  /**
   * For each plan's estimated duration (measure/estimate.ts): the costs of earlier sessions
   * on this machine (undefined while they are read) and the power source's reading interval.
   */
  costs?: CostBook;
  intervalS?: number;
}

/** Every plan file of the plan folders, as the picker lists them. */
export function listPlans(options: EntryOptions): {
  entries: PlanEntry[];
  thin: number;
  dirs: string[];
} {
  const dirs = planDirs();
  const entries = planFiles(dirs).map((path) => planEntry(path, options));
  return { entries, thin: options.thin, dirs };
}

/** A plan file read for the picker: what it would run, or why it cannot. */
export function planEntry(path: string, options: EntryOptions): PlanEntry {
  const shown = shownPath(path);
  let json: unknown = null;
  try {
    json = readPlanJson(path);
    const choice = planOfFile(json, { source: shown, ...options });
    return entryOf(path, shown, choice, estimateOf(choice.plan, options));
  } catch (error) {
    // Whatever goes wrong with one file (a refusal, or the catalog failing to answer) is
    // said beside it; the picker and the console go on.
    if (!(error instanceof Error)) throw error;
    // A file that parses keeps its own name beside its error.
    const own = (json as { name?: unknown } | null)?.name;
    return {
      path,
      shown,
      name: typeof own === 'string' ? own : basename(path),
      summary: '',
      functions: 0,
      invocations: null,
      skipped: 0,
      estimate: null,
      error: error.message,
    };
  }
}

/** The plan a run takes, read again from the file at the moment it starts. */
export function readPlan(path: string, options: EntryOptions): PlanFileChoice {
  return planOfFile(readPlanJson(path), { source: shownPath(path), ...options });
}

/** A plan file ready to run from the picker, or why it cannot run now. */
export type PlanRun =
  | {
      plan: ExperimentPlan;
      about: RunAbout;
      /** The session log's `plan-start` action. */
      logged: Record<string, unknown>;
      /** Cells skipped because their runtime cannot run the function, said before it starts. */
      notice: string | null;
      /** What it should take, for the ETA while it runs. */
      estimate: PlanEstimate | null;
    }
  | { error: string };

/** The highlighted plan file, read again now (it may have changed since the list was made). */
export function planRun(entry: PlanEntry, options: EntryOptions, powerUp: boolean): PlanRun {
  let choice: PlanFileChoice;
  try {
    choice = readPlan(entry.path, options);
  } catch (error) {
    return { error: (error as Error).message };
  }
  const { name, invocations, skipped, plan, thin } = choice;
  if (plan.energy && !powerUp) {
    return {
      error: `${entry.shown} measures energy ("power"), and no power source is up: check the profile's power source, or give the plan "power": null`,
    };
  }
  const cells = skipped.map((cell) => `${cell.function} on ${cell.runtime}`).join(', ');
  return {
    plan,
    about: {
      function: plan.functions[0]?.name ?? name,
      runtimes: plan.runtimes,
      file: { name, thin },
    },
    logged: { file: entry.path, name, thin, invocations, skipped },
    notice: cells ? `plan ${name}: skipped ${cells} (the runtime cannot run it)` : null,
    estimate: estimateOf(plan, options),
  };
}

/** A plan's estimate, when there is something to go by. */
function estimateOf(plan: ExperimentPlan, options: EntryOptions): PlanEstimate | null {
  if (plan.energy) return estimateEnergy(plan, options.intervalS ?? 1);
  return options.costs ? estimateCounted(plan, options.costs) : null;
}

/** "~3 min 20 s", "over 42 s (1 of 4 lanes unpriced)", "no earlier run here" */
export function estimateText(estimate: PlanEstimate | null): string | null {
  if (!estimate) return null;
  const about = formatDuration(estimate.seconds);
  if (estimate.kind === 'energy') {
    return estimate.maxSeconds === null
      ? `~${about}`
      : `${about} to ${formatDuration(estimate.maxSeconds)}`;
  }
  if (estimate.unpriced === 0) return `~${about}`;
  if (estimate.unpriced === estimate.lanes.length) return 'no earlier run here';
  return `over ${about} (${estimate.unpriced} of ${estimate.lanes.length} lanes unpriced)`;
}

function entryOf(
  path: string,
  shown: string,
  choice: PlanFileChoice,
  estimate: PlanEstimate | null,
): PlanEntry {
  return {
    path,
    shown,
    name: choice.name,
    summary: (choice.description ?? '').split('\n')[0]?.trim() ?? '',
    functions: choice.plan.functions.length,
    invocations: choice.invocations,
    skipped: choice.skipped.length,
    estimate: estimateText(estimate),
    error: null,
  };
}

/** A path as a person reads it: from the working folder, or from ~. */
function shownPath(path: string): string {
  const here = relative(process.cwd(), path);
  if (!here.startsWith('..')) return here;
  const home = homedir();
  return path.startsWith(`${home}/`) ? `~/${path.slice(home.length + 1)}` : path;
}
