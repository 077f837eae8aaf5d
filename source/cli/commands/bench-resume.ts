/**
 * `nebula bench --resume LOG`: the plan is the one the log's "experiment" record holds, so
 * flags that would change it are refused, a --plan FILE beside it must give the same plan,
 * and the log must come from this machine, profile, Nebula, Node and function builds. The
 * run then goes on from where measure/resume.ts says, appending to LOG behind a "resume"
 * record (session/breaks.ts).
 */
import { hostname } from 'node:os';
import { unavailableReason } from '../../catalog/availability.js';
import { UsageError } from '../../core/errors.js';
import { nebulaVersion } from '../../core/version.js';
import type { ExperimentPlan } from '../../measure/plan.js';
import { ResumeError, type ResumePoint, readResumePoint } from '../../measure/resume.js';
import type { SessionOptions } from '../../measure/types.js';
import type { Profile } from '../../profiles/schema.js';
import type { ResumeRecord } from '../../session/breaks.js';
import { loadAverages } from '../../session/host-facts.js';
import type { HeaderRecord } from '../../session/records.js';
import type { TargetEngine } from '../../target/target-engine.js';
import type { BenchOptions } from './bench-options.js';
import type { SkippedCell } from './bench-output.js';
import { benchPlanFromFile } from './bench-plan.js';

/** Flags that make or change a plan: the logged plan is the one a resumed run goes on with. */
const CHANGES_THE_RUN = [
  ['functions', '--functions'],
  ['runtimes', '--runtimes'],
  ['mode', '--mode'],
  ['inputs', '--inputs'],
  ['n', '-n'],
  ['warmup', '--warmup'],
  ['pauseMs', '--pause-ms'],
  ['order', '--order'],
  ['variants', '--variants'],
  ['log', '--log/--no-log'],
  ['power', '--power'],
  ['powerSource', '--power-source'],
  ['powerBroker', '--power-broker'],
  ['powerTopic', '--power-topic'],
  ['powerFormat', '--power-format'],
  ['powerPollSeconds', '--power-poll-seconds'],
  ['powerSimulated', '--power-simulated'],
  ['blocks', '--blocks'],
  ['blockSeconds', '--block-seconds'],
  ['baseline', '--baseline'],
  ['idle', '--idle'],
  ['precision', '--precision'],
  ['maxMinutes', '--max-minutes'],
] as const;

/** Flags with a default are known given only from where commander took them (`given`). */
const DEFAULTED = new Set(['runtimes', 'mode', 'log']);

/** Refuses the flags beside --resume, then reads where the log's run goes on. */
export async function readResume(options: BenchOptions): Promise<ResumePoint> {
  const given = new Set(options.given ?? []);
  const wrong: string[] = CHANGES_THE_RUN.filter(([key]) =>
    DEFAULTED.has(key) ? given.has(key) : options[key] !== undefined,
  ).map(([, flag]) => flag);
  if (options.thin !== undefined && options.plan === undefined) wrong.push('--thin');
  if (wrong.length > 0) {
    throw new UsageError(
      `${wrong.join(', ')}: --resume goes on with the plan its log holds; leave ${wrong.length > 1 ? 'these' : 'it'} out (to run something else, start a new run without --resume)`,
    );
  }
  try {
    return await readResumePoint(options.resume as string);
  } catch (error) {
    if (error instanceof ResumeError) throw new UsageError(`--resume ${error.message}`);
    throw error;
  }
}

/** The profile the log was written under, unless --profile names one (it must be that one). */
export function resumeProfileName(point: ResumePoint, options: BenchOptions): string {
  return options.profile ?? point.header.profile;
}

/**
 * The logged plan, once the log is found to come from here (machine, profile, versions and
 * the builds of its functions) and a --plan FILE beside it gives the same plan; what is
 * kept and what runs again is said.
 */
export function resumePlan(
  point: ResumePoint,
  engine: TargetEngine,
  profile: Profile,
  options: BenchOptions,
  err: (text: string) => void,
): { plan: ExperimentPlan; skipped: SkippedCell[] } {
  const where = `--resume ${point.path}`;
  if (engine.where.gateway) {
    throw new UsageError(
      `${where}: profile ${profile.name} runs through the gateway ${engine.where.gateway}, and resuming goes on with a run on this machine; run the plan again`,
    );
  }
  const names = point.plan.functions.map((fn) => fn.name);
  const differs = hostDifferences(point.header, engine.header(profile.name, names));
  if (differs.length > 0) {
    throw new UsageError(
      `${where}: the run was written under other conditions (${differs.join('; ')}); its figures would mix two set-ups: resume it where and as it ran, or run the plan again here`,
    );
  }
  if (options.plan !== undefined) {
    const file = benchPlanFromFile(options.plan, options.thin, {}, profile, (name) =>
      engine.fn(name),
    );
    const diff = planDifferences(point.plan, file.plan);
    if (diff.length > 0) {
      throw new UsageError(
        `${where}: ${options.plan} is not the plan the log holds (${diff.join('; ')}); resume without --plan (the log holds its plan), or give the file it ran`,
      );
    }
  }
  const skipped = point.plan.functions.flatMap((fn) =>
    (fn.skip ?? []).map((runtime) => ({
      function: fn.name,
      runtime,
      reason: unavailableReason(engine.fn(fn.name).manifest, runtime) ?? 'skipped by the plan',
    })),
  );
  err(`${resumeLine(point)}\n`);
  return { plan: point.plan, skipped };
}

/** "resuming exp-…: 12 of 36 invocations kept; 3 of a half-finished group run again; …" */
export function resumeLine(point: ResumePoint): string {
  const dropped =
    point.dropped.length > 0
      ? `${point.dropped.length} of a half-finished group (${[...new Set(point.dropped.map((r) => r.cell))].join(', ')}) dropped and run again from its start`
      : 'no half-finished group';
  const torn = point.tornLine === null ? '' : `; line ${point.tornLine}, torn by the stop, skipped`;
  return `resuming ${point.experiment} from ${point.path}: ${point.kept.length} of ${point.planned} invocations kept; ${dropped}${torn}; ${point.remaining} to run`;
}

/** What the run logs as it goes on, and what its figures start from. */
export function resumeOptions(point: ResumePoint, now: number): SessionOptions['resume'] {
  const record: ResumeRecord = {
    type: 'resume',
    experiment: point.experiment,
    at: now,
    lastAt: point.lastAt,
    fromStep: point.fromStep,
    kept: point.kept.length,
    remaining: point.remaining,
    dropped: {
      invocations: point.dropped.length,
      cells: [...new Set(point.dropped.map((r) => r.cell))],
      tornLine: point.tornLine,
    },
    host: {
      hostname: hostname(),
      loadAverage: loadAverages(),
      node: process.version,
      nebula: nebulaVersion(),
    },
  };
  return { record, kept: point.kept };
}

/** What differs between the header the run started under and this machine's now. */
export function hostDifferences(logged: HeaderRecord, now: HeaderRecord): string[] {
  const facts: Array<[string, unknown, unknown]> = [
    ['profile', logged.profile, now.profile],
    ['host', logged.machine.hostname, now.machine.hostname],
    ['architecture', logged.machine.arch, now.machine.arch],
    ['CPU', logged.cpu?.model, now.cpu?.model],
    ['cores', logged.cpu?.cores, now.cpu?.cores],
    ['Node', logged.node, now.node],
    ['Nebula', logged.nebula, now.nebula],
  ];
  const differs = facts
    .filter(([, a, b]) => a !== undefined && a !== b)
    .map(([what, a, b]) => `${what}: ${String(a)} in the log, ${String(b)} here`);
  for (const [name, hashes] of Object.entries(now.functions)) {
    const before = logged.functions?.[name];
    if (before && JSON.stringify(before) !== JSON.stringify(hashes)) {
      differs.push(`${name}: built again since the run started (its files' hashes differ)`);
    }
  }
  return differs;
}

/** Field by field, what differs between two plans, as "path: the log's X, the file's Y". */
export function planDifferences(logged: unknown, file: unknown, path = ''): string[] {
  if (JSON.stringify(logged) === JSON.stringify(file)) return [];
  const both = (v: unknown) => v !== null && typeof v === 'object';
  if (both(logged) && both(file) && Array.isArray(logged) === Array.isArray(file)) {
    const a = logged as Record<string, unknown>;
    const b = file as Record<string, unknown>;
    const lists = Array.isArray(logged);
    // Lists of different lengths are shown whole; lists of one length and objects by field.
    if (!lists || (logged as unknown[]).length === (file as unknown[]).length) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
      return keys.flatMap((key) =>
        planDifferences(a[key], b[key], lists ? `${path}[${key}]` : path ? `${path}.${key}` : key),
      );
    }
  }
  return [`${path || 'plan'}: the log's ${shown(logged)}, the file's ${shown(file)}`];
}

function shown(value: unknown): string {
  if (value === undefined) return 'has none';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
