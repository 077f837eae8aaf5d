/** The counted experiment the console bench runs, read back from session logs, and its headless twin. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { median, sortAscending } from '../core/stats.js';
import { NEBULA, NODE_FLAGS } from './console-process.js';

interface LoggedInvocation {
  type: string;
  experiment?: string;
  warmup?: boolean;
  ok?: boolean;
  runtime?: string;
  timings?: { totalMs: number };
}

/** The invocations of counted experiments in a session log (not the key-press ones). */
export function loggedInvocations(path: string): LoggedInvocation[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LoggedInvocation)
    .filter((r) => r.type === 'invocation' && r.experiment?.startsWith('exp-'));
}

/** Median total ms per runtime of the measured (not warm-up) invocations that succeeded. */
export function logMedians(path: string, runtimes: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const runtime of runtimes) {
    const totals = loggedInvocations(path)
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
