/** The counted experiment the console bench runs, read back from session logs, and its headless twin. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { median, sortAscending } from '../core/stats.js';
import { parseSessionLog } from '../session/read-log.js';
import type { InvocationRecord } from '../session/records.js';
import { NEBULA, NODE_FLAGS } from './console-process.js';

/**
 * The invocations of counted experiments in a session log (not the key-press ones). The log
 * may be read while the console writes it: a line written halfway is skipped.
 */
export function loggedInvocations(path: string): InvocationRecord[] {
  if (!existsSync(path)) return [];
  return parseSessionLog(readFileSync(path, 'utf8'), path).records.filter(
    (r): r is InvocationRecord =>
      r.type === 'invocation' && (r as InvocationRecord).experiment?.startsWith('exp-') === true,
  );
}

/** Median total ms per runtime of the measured (not warm-up) invocations that succeeded. */
export function logMedians(path: string, runtimes: string[]): Record<string, number> {
  const invocations = loggedInvocations(path);
  const out: Record<string, number> = {};
  for (const runtime of runtimes) {
    const totals = invocations
      .filter((r) => r.runtime === runtime && !r.warmup && r.ok)
      .map((r) => r.timings?.totalMs ?? Number.NaN);
    out[runtime] = median(sortAscending(totals)) ?? Number.NaN;
  }
  return out;
}

/** The same experiment through `nebula bench`, no console. */
export function headlessMedians(
  profile: string,
  fn: string,
  runtimes: string[],
  mode: string,
  log: string,
  env: NodeJS.ProcessEnv,
): Record<string, number> {
  execFileSync(
    process.execPath,
    [
      ...NODE_FLAGS,
      NEBULA,
      'bench',
      ...['--profile', profile, '--functions', fn, '--runtimes', runtimes.join(',')],
      ...['--mode', mode, '--log', log, '--json'],
    ],
    { env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return logMedians(log, runtimes);
}
