/** Running `nebula` as a user would, for tests that break things under it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSessionLog } from '../../source/session/read-log.js';

export const CLI = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  done: Promise<Finished>;
  stdout(): string;
  stderr(): string;
}

export function nebula(args: string[], env: NodeJS.ProcessEnv = process.env): Running {
  const child = spawn(process.execPath, ['--no-turbo-fast-api-calls', CLI, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr.on('data', (chunk) => {
    err += chunk;
  });
  const done = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err }));
  });
  return { child, done, stdout: () => out, stderr: () => err };
}

/** Every line of a session log, parsed; a line that does not parse fails the test. */
export function logLines(path: string): Array<Record<string, unknown>> {
  if (!existsSync(path)) return [];
  const { records, warnings } = parseSessionLog(readFileSync(path, 'utf8'), path);
  if (warnings.length > 0) throw new Error(`${path}: ${warnings.join('; ')}`);
  return records as Array<Record<string, unknown>>;
}

export const invocations = (path: string) =>
  logLines(path).filter((record) => record.type === 'invocation');

export async function until(
  check: () => boolean,
  what: string | (() => string),
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      const text = typeof what === 'string' ? what : what();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** What a crash looks like on stderr: an unhandled rejection or a stack trace. */
export const CRASH = /Unhandled|uncaught|\n\s+at .+:\d+:\d+\)?\n/i;

/** The pid of the nebula-tui writing this session log (script(1) runs it as a child), from /proc. */
export function consolePid(log: string): number {
  const wanted = `nebula-tui.js\0--log\0${log}\0`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(wanted)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no nebula-tui process writes ${log}`);
}
