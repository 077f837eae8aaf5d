/**
 * The console as the benchmarks see it: `nebula-tui` in an 80x24 pseudo-terminal (util-linux
 * `script`), its node process found under `script`, and its CPU time and memory read from
 * /proc. Also `nebula` commands run beside it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_NODE_FLAGS, wasiNodeFlags } from '../core/node-support.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..');
export const TUI = join(dist, 'cli', 'nebula-tui.js');
export const NEBULA = join(dist, 'cli', 'nebula.js');
export const NODE_FLAGS = wasiNodeFlags();
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

export interface Tui {
  child: ChildProcess;
  /** Everything the console wrote, escape sequences included. */
  output: () => string;
  /** The same without escape sequences, to look for words. */
  text: () => string;
  /** How many times the console wrote to its terminal. */
  writes: () => number;
  firstFrameMs: Promise<number>;
  firstOutputMs: Promise<number>;
  exited: Promise<void>;
}

/** nebula-tui in an 80x24 pseudo-terminal; the first frame is the first output with the status bar. */
export function startTui(args: string[], env: NodeJS.ProcessEnv): Tui {
  const node = [process.execPath, ...NODE_FLAGS, ...CONSOLE_NODE_FLAGS];
  const command = ['stty cols 80 rows 24;', 'exec', ...node, TUI, ...args]
    .map((part) => (part.endsWith(';') ? part : `'${part}'`))
    .join(' ');
  const started = process.hrtime.bigint();
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let raw = '';
  let writes = 0;
  const firstOutputMs = new Promise<number>((resolve) => {
    child.stdout?.once('data', () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
  });
  const firstFrameMs = new Promise<number>((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      raw += chunk.toString();
      writes++;
      if (raw.includes('nebula') && raw.includes('broker')) {
        resolve(Number(process.hrtime.bigint() - started) / 1e6);
      }
    });
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    output: () => raw,
    text: () => raw.replace(ANSI, ''),
    writes: () => writes,
    firstFrameMs,
    firstOutputMs,
    exited,
  };
}

/** Presses q and waits for the console to exit. */
export async function quitTui(tui: Tui): Promise<void> {
  tui.child.stdin?.write('q');
  await tui.exited;
}

/** The node process under `script` (script -> node, as the command execs). */
export function nodePid(scriptPid: number): number {
  for (let depth = 0, pid = scriptPid; depth < 4; depth++) {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
    const next = Number(children[0]);
    if (!next) break;
    if (readFileSync(`/proc/${next}/cmdline`, 'utf8').includes('nebula-tui')) return next;
    pid = next;
  }
  throw new Error('cannot find the nebula-tui process');
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14 and 15)
}

export function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  );
  return Number(match?.[1] ?? Number.NaN) / 1024;
}

/** A process's share of one core over `seconds`, from its CPU time before and after. */
export async function cpuShareOver(
  pid: number,
  seconds: number,
): Promise<{ percent: number; seconds: number }> {
  const cpu0 = cpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  await sleep(seconds * 1000);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { percent: ((cpuSeconds(pid) - cpu0) / wall) * 100, seconds: wall };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(check: () => boolean, what: string, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The machine's load average now, as `uptime` prints it. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
