/**
 * `nebula bench --plan FILE [--thin K]`: the plan file as every face runs it
 * (measure/plan-of-file.ts), with bench's own check that no flag the file sets is given.
 */
import type { Manifest } from '../../catalog/manifest.js';
import { UsageError } from '../../core/errors.js';
import { type PlanFileChoice, planOfFile, readPlanJson } from '../../measure/plan-of-file.js';
import type { Profile } from '../../profiles/schema.js';

/** Bench flags that a plan file sets: given beside --plan they would be ignored, so refused. */
const SET_BY_THE_PLAN = [
  ['functions', '--functions'],
  ['inputs', '--inputs'],
  ['runtimes', '--runtimes'],
  ['mode', '--mode'],
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

export function benchPlanFromFile(
  path: string,
  thin: number | undefined,
  options: Record<string, unknown>,
  profile: Profile,
  fn: (name: string) => { manifest: Manifest },
): PlanFileChoice {
  // --runtimes and --mode have defaults: only where commander took them tells they were typed.
  const typed = new Set((options.given as readonly string[] | undefined) ?? []);
  const given = SET_BY_THE_PLAN.filter(([key]) =>
    key === 'runtimes' || key === 'mode' ? typed.has(key) : options[key] !== undefined,
  );
  if (given.length > 0) {
    throw new UsageError(
      `${given.map(([, flag]) => flag).join(', ')}: the plan file sets these; change them in ${path}, or leave out --plan`,
    );
  }
  return planOfFile(readPlanJson(path), {
    source: path,
    thin,
    settings: profile.experiment,
    fn,
  });
}
