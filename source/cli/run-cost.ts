/**
 * What a long run costs the machine, said while it runs and before it starts: the session
 * log's size and the process's resident memory for the progress line, and a warning when the
 * plan's log could outgrow the free space of the log's file system.
 */
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { planInvocations } from '../core/plan.js';
import type { ExperimentPlan } from '../measure/plan.js';
import type { SessionLog } from '../session/session-log.js';

/** Bytes a compact row takes on a warm run (measured: 114 plain, 36 gzip), with room. */
export const ROW_BYTES = { plain: 160, compressed: 60 } as const;
/** Fastest a warm invocation has been seen to run back to back here (hello on wasm-p1). */
export const MAX_WARM_PER_SECOND = 10_000;
export const MAX_COLD_PER_SECOND = 200;

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** "log 12.3 MB, 84.0 MB resident" */
export function runCost(log: SessionLog | null): string {
  const rss = `${megabytes(process.memoryUsage.rss())} resident`;
  return log ? `log ${megabytes(log.size())}, ${rss}` : rss;
}

/**
 * The most invocations the plan can run: its count without energy; with energy, its blocks'
 * seconds at the fastest rate an invocation of its mode can go.
 */
export function maxInvocations(plan: ExperimentPlan): number {
  if (!plan.energy) return planInvocations(plan);
  const cells = plan.functions.reduce(
    (n, fn) => n + fn.inputs.length * (plan.lanes?.length ?? plan.runtimes.length),
    0,
  );
  const seconds = (plan.energy.blockSeconds ?? 12) * plan.energy.blocks;
  return plan.modes.reduce(
    (n, mode) =>
      n + cells * seconds * (mode === 'warm' ? MAX_WARM_PER_SECOND : MAX_COLD_PER_SECOND),
    0,
  );
}

/** A warning when the plan's log could outgrow the free space where it is written, else null. */
export function logSpaceWarning(plan: ExperimentPlan, log: SessionLog): string | null {
  let free: number;
  try {
    const fs = statfsSync(dirname(log.path));
    free = fs.bavail * fs.bsize;
  } catch {
    return null; // a file system that does not say: nothing to compare with
  }
  const perRow = log.compressed ? ROW_BYTES.compressed : ROW_BYTES.plain;
  const estimate = maxInvocations(plan) * perRow;
  if (estimate <= free) return null;
  const gz = log.compressed ? '' : ', or name a .jsonl.gz log (about a third of the size)';
  return `warning: this run may write up to ${megabytes(estimate)} of session log (${maxInvocations(plan).toLocaleString('en-US')} invocations at most), and ${dirname(log.path)} has ${megabytes(free)} free; shorten the run (-n, --blocks, --block-seconds), log elsewhere (--log FILE)${gz}`;
}
