/**
 * Where a stopped or killed run stands, read from its session log: the last experiment, its
 * plan, the invocations it keeps, and the plan step it goes on from (docs/MEASURING.md,
 * "Resuming a run"). The unit is the group: one function, input and mode, whose runtimes take
 * turns (A B A B). A group the run was in the middle of is run again from its start, warm-ups
 * included, and its first invocations are dropped (session/breaks.ts drops them for every
 * reader): both sides of each ratio are then measured in one sitting, in their planned order.
 * Plans that measure energy are refused: see refuseEnergy.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { buildPlan, cellKey, type Step } from '../core/plan.js';
import { groupOf, isResume } from '../session/breaks.js';
import { isGzipFile, LogLines, SessionLogError, streamSessionLog } from '../session/read-log.js';
import type { AnyRecord, HeaderRecord, InvocationRecord } from '../session/records.js';
import { isHeader, isInvocation } from '../session/records.js';
import type { ExperimentPlan } from './plan.js';
import type { ExperimentRecord } from './records.js';

export class ResumeError extends Error {
  override name = 'ResumeError';
}

export interface ResumePoint {
  path: string;
  experiment: string;
  plan: ExperimentPlan;
  /** The header the experiment was written under (its machine, profile, function hashes). */
  header: HeaderRecord;
  /** Invocations kept from before the break, in plan order. */
  kept: InvocationRecord[];
  /** The plan step the run goes on from (the start of a group). */
  fromStep: number;
  /** Invocations the plan makes in all, and those left from fromStep. */
  planned: number;
  remaining: number;
  /** The half-finished group's invocations, run again. */
  dropped: InvocationRecord[];
  tornLine: number | null;
  /** Wall clock of the last thing logged for the experiment. */
  lastAt: number | null;
}

interface Scan {
  header: HeaderRecord | null;
  start: ExperimentRecord | null;
  startHeader: HeaderRecord | null;
  finished: boolean;
  invocations: InvocationRecord[];
  lastAt: number | null;
}

/** Reads the log once and says where its last experiment goes on, or why it cannot. */
export async function readResumePoint(path: string): Promise<ResumePoint> {
  if (!existsSync(path)) {
    throw new ResumeError(`${path}: no such file; give the session log the run was writing`);
  }
  const lines = new LogLines(path);
  const scan: Scan = {
    header: null,
    start: null,
    startHeader: null,
    finished: false,
    invocations: [],
    lastAt: null,
  };
  let warnings: string[];
  try {
    warnings = await streamSessionLog(path, (record) => take(scan, record), lines);
  } catch (error) {
    if (error instanceof SessionLogError) {
      throw new ResumeError(
        `${error.message}; --resume takes the session log of a \`nebula bench\` run (the path it printed as "session log:")`,
      );
    }
    throw error;
  }
  if (
    warnings.some((w) => w.includes('compressed log ends mid-block')) ||
    !(await wholeGzip(path))
  ) {
    throw new ResumeError(
      `${path}: the compressed log ends mid-block (its writer was killed while writing it), and what is appended after that could not be read; decompress what it holds (gzip -dc ${path} > run.jsonl, which reads up to the cut) and resume run.jsonl`,
    );
  }
  const { start, startHeader } = scan;
  if (!start) {
    throw new ResumeError(
      `${path} holds no experiment (no "experiment" record: written by the console, \`nebula invoke\` or an older Nebula); there is no plan to go on with: run \`nebula bench\` again`,
    );
  }
  if (scan.finished) {
    throw new ResumeError(
      `${path}: experiment ${start.experiment} finished; there is nothing to resume: report it with \`nebula report ${path}\``,
    );
  }
  if (!startHeader) {
    throw new ResumeError(
      `${path}: experiment ${start.experiment} has no header before it (the machine it ran on is unknown), so going on could mix machines; run it again`,
    );
  }
  refuseEnergy(path, start.plan);
  const held = new Set(lines.heldAtEnd);
  const kept = scan.invocations.filter((r) => !held.has(r));
  const steps = planSteps(start.plan);
  checkOrder(path, steps, kept, 0);
  checkOrder(path, steps, lines.heldAtEnd, kept.length);
  const groupEnd = endOfGroup(steps, kept.length);
  const complete = kept.length + lines.heldAtEnd.length === groupEnd;
  const fromStep = complete ? groupEnd : kept.length;
  return {
    path,
    experiment: start.experiment,
    plan: start.plan,
    header: startHeader,
    kept: complete ? [...kept, ...lines.heldAtEnd] : kept,
    fromStep,
    planned: steps.length,
    remaining: steps.length - fromStep,
    dropped: complete ? [] : lines.heldAtEnd,
    tornLine: lines.torn.line,
    lastAt: scan.lastAt,
  };
}

/**
 * A plain log, or a compressed one whose every gzip member is whole: a member cut short (even
 * only its trailer) would swallow what is appended after it, so such a log is not appended to.
 */
async function wholeGzip(path: string): Promise<boolean> {
  if (!isGzipFile(path)) return true;
  const gunzip = createReadStream(path).pipe(createGunzip());
  gunzip.resume();
  return new Promise((resolve) => {
    gunzip.on('error', () => resolve(false));
    gunzip.on('end', () => resolve(true));
  });
}

function take(scan: Scan, record: AnyRecord): void {
  if (isHeader(record)) {
    scan.header = record;
    return;
  }
  if (record.type === 'experiment') {
    const start = record as unknown as ExperimentRecord;
    if (start.experiment === scan.start?.experiment) return;
    scan.start = start;
    scan.startHeader = scan.header;
    scan.finished = false;
    scan.invocations = [];
    scan.lastAt = start.at;
    return;
  }
  const experiment = (record as { experiment?: unknown }).experiment;
  if (!scan.start || experiment !== scan.start.experiment) return;
  const at = (record as { at?: unknown }).at;
  if (typeof at === 'number' && Number.isFinite(at)) scan.lastAt = Math.max(scan.lastAt ?? at, at);
  if (isInvocation(record)) scan.invocations.push(record);
  else if (record.type === 'experiment-end') {
    scan.finished = (record as { aborted?: unknown }).aborted !== true;
  } else if (isResume(record)) scan.finished = false;
}

/**
 * Energy is attributed from readings against idle measured before and after the blocks and
 * beside each one, on the host's monotonic clock; a power cut restarts that clock, and the
 * break leaves the first part without idle after it. Going on would mix readings and idle
 * of two sittings into one figure, so such a run is run again instead.
 */
function refuseEnergy(path: string, plan: ExperimentPlan): void {
  if (!plan.energy) return;
  throw new ResumeError(
    `${path}: this run measures energy by blocks of time, and --resume goes on only with runs that count invocations: each block's energy is taken against idle power measured before and after the blocks, on a clock a power cut restarts, so a figure would mix two sittings; run the plan again (nebula bench --plan FILE, or the same flags)`,
  );
}

export function planSteps(plan: ExperimentPlan): Step[] {
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

/** The logged invocations must be the plan's steps from `from` on, in order. */
function checkOrder(
  path: string,
  steps: readonly Step[],
  invocations: readonly InvocationRecord[],
  from: number,
): void {
  invocations.forEach((record, index) => {
    const step = steps[from + index];
    if (!step || record.step !== step.index || record.cell !== cellKey(step.cell)) {
      const planned = step
        ? `step ${step.index}, ${cellKey(step.cell)}`
        : 'no step (the plan ends)';
      throw new ResumeError(
        `${path}: invocation ${from + index + 1} of its experiment is step ${record.step}, ${record.cell}, where the plan has ${planned}: the log does not follow its plan, so where to go on is unknown; run it again`,
      );
    }
  });
}

/** The step after the run of steps of one group (function, input, mode) that starts at `from`. */
function endOfGroup(steps: readonly Step[], from: number): number {
  const first = steps[from];
  if (!first) return from;
  const group = groupOf(first.cell);
  let end = from;
  while (end < steps.length && groupOf((steps[end] as Step).cell) === group) end++;
  return end;
}
