/**
 * Issue 6's figures for `nebula-tui`, each from a real process under a pseudo-terminal
 * (util-linux `script`): time from spawn to the first frame, CPU while idle, resident memory,
 * and one experiment with the console open against the same one headless (`nebula bench`).
 * Usage: node dist/source/bench/console-bench.js [--idle 10] [--n 200] [--function hello]
 *   [--mode warm] [--runtimes wasm,container] (container only when DOCKER_HOST is set)
 *   [--starts 5] (start-ups timed for the first frame; the last one goes on to the rest)
 *   [--only-start] (time the start-ups and stop there)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCatalog } from '../catalog/catalog.js';
import { wasiNodeFlags } from '../core/node-support.js';
import { median, sortAscending } from '../core/stats.js';

const { values } = parseArgs({
  options: {
    idle: { type: 'string', default: '10' },
    n: { type: 'string', default: '200' },
    function: { type: 'string', default: 'hello' },
    mode: { type: 'string', default: 'warm' },
    runtimes: { type: 'string' },
    starts: { type: 'string', default: '5' },
    'only-start': { type: 'boolean', default: false },
  },
});
const idleSeconds = Number(values.idle);
const repetitions = Number(values.n);
const fnName = values.function as string;
const mode = values.mode as string;
const starts = Number(values.starts);
if (!Number.isInteger(starts) || starts < 1) {
  throw new Error(`--starts must be a whole number >= 1, got "${values.starts}"`);
}
const runtimes = (values.runtimes ?? (process.env.DOCKER_HOST ? 'wasm,container' : 'wasm')).split(
  ',',
);

const dist = join(dirname(fileURLToPath(import.meta.url)), '..');
const tui = join(dist, 'cli', 'nebula-tui.js');
const nebula = join(dist, 'cli', 'nebula.js');
const NODE_FLAGS = wasiNodeFlags();
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const work = mkdtempSync(join(tmpdir(), 'nebula-console-bench-'));
// Ink draws only the last frame when it thinks it runs in CI.
const { CI: _ci, ...parentEnv } = process.env;
const env = { ...parentEnv, NEBULA_LOGS_DIR: work };

// A profile with the experiment settings of this run and no power source.
const profilePath = join(work, 'bench.json');
writeFileSync(
  profilePath,
  JSON.stringify({
    name: 'bench',
    label: 'console benchmark',
    // No broker listens there: with no power source up, the console runs the counted
    // experiment (energy runs by time instead), the same plan as the headless bench.
    power: { source: 'mqtt', broker: 'mqtt://127.0.0.1:9', topic: 'none', format: 'tasmota' },
    experiment: { repetitions, warmup: 2, pauseMs: 0, baselineSeconds: 0 },
  }),
);

interface Tui {
  child: ChildProcess;
  output: () => string;
  firstFrameMs: Promise<number>;
  firstOutputMs: Promise<number>;
  exited: Promise<void>;
}

/** nebula-tui in an 80x24 pseudo-terminal; the first frame is the first output with the status bar. */
function startTui(args: string[]): Tui {
  const command = ['stty cols 80 rows 24;', 'exec', process.execPath, ...NODE_FLAGS, tui, ...args]
    .map((part) => (part.endsWith(';') ? part : `'${part}'`))
    .join(' ');
  const started = process.hrtime.bigint();
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let text = '';
  const firstOutputMs = new Promise<number>((resolve) => {
    child.stdout?.once('data', () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
  });
  const firstFrameMs = new Promise<number>((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('nebula') && text.includes('broker')) {
        resolve(Number(process.hrtime.bigint() - started) / 1e6);
      }
    });
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, output: () => text, firstFrameMs, firstOutputMs, exited };
}

/** The node process under `script` (script -> node, as the command execs). */
function nodePid(scriptPid: number): number {
  for (let depth = 0, pid = scriptPid; depth < 4; depth++) {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
    const next = Number(children[0]);
    if (!next) break;
    if (readFileSync(`/proc/${next}/cmdline`, 'utf8').includes('nebula-tui')) return next;
    pid = next;
  }
  throw new Error('cannot find the nebula-tui process');
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
}

function memoryKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  );
  return Number(match?.[1] ?? Number.NaN);
}

async function until(check: () => boolean, what: string, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface LoggedInvocation {
  type: string;
  experiment?: string;
  warmup?: boolean;
  ok?: boolean;
  runtime?: string;
  timings?: { totalMs: number };
}

function invocations(path: string): LoggedInvocation[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LoggedInvocation)
    .filter((r) => r.type === 'invocation' && r.experiment?.startsWith('exp-'));
}

function medians(path: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const runtime of runtimes) {
    const totals = invocations(path)
      .filter((r) => r.runtime === runtime && !r.warmup && r.ok)
      .map((r) => r.timings?.totalMs ?? Number.NaN);
    out[runtime] = median(sortAscending(totals)) ?? Number.NaN;
  }
  return out;
}

function headless(log: string): Record<string, number> {
  execFileSync(
    process.execPath,
    [
      ...NODE_FLAGS,
      nebula,
      'bench',
      '--profile',
      profilePath,
      '--functions',
      fnName,
      '--runtimes',
      runtimes.join(','),
      '--mode',
      mode,
      '--log',
      log,
      '--json',
    ],
    { env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return medians(log);
}

const planned = runtimes.length * (repetitions + 2);
const line = (label: string, value: string, target = '') =>
  process.stdout.write(`${label.padEnd(34)} ${value.padStart(12)}  ${target}\n`);

// The UI's packages load from one bundle only after `npm run build`, not after tsc alone.
const vendor = join(dist, 'ui', 'vendor.js');
if (
  !existsSync(vendor) ||
  !readFileSync(vendor, 'utf8').startsWith('// Bundled by scripts/bundle-ui.mjs')
) {
  process.stdout.write(
    `note: ${vendor} is not the UI bundle; run npm run build to time the real start-up\n`,
  );
}

// 1: first frame over several start-ups (the first of them also warms the file cache).
const consoleLog = join(work, 'console.jsonl');
const firstFrames: number[] = [];
const firstOutputs: number[] = [];
// The last start-up goes on to the experiment and writes the log that is read for it.
const logFor = (run: number) => (run === starts ? consoleLog : join(work, `start-${run}.jsonl`));
let tuiRun = startTui(['--profile', profilePath, '--log', logFor(1)]);
for (let run = 1; ; run++) {
  firstFrames.push(await tuiRun.firstFrameMs);
  firstOutputs.push(await tuiRun.firstOutputMs);
  if (run === starts) break;
  const done = tuiRun;
  await until(() => done.output().includes('exponential'), 'the function list');
  done.child.stdin?.write('q');
  await done.exited;
  tuiRun = startTui(['--profile', profilePath, '--log', logFor(run + 1)]);
}
const spread = (values: number[]) => {
  const sorted = sortAscending(values);
  return `${median(sorted)?.toFixed(0)} ms (${sorted.map((v) => v.toFixed(0)).join(', ')})`;
};
line(`first output, median of ${starts}`, spread(firstOutputs));
line(`first frame, median of ${starts}`, spread(firstFrames), '(target <= 700 ms)');
if (values['only-start']) {
  tuiRun.child.stdin?.write('q');
  await tuiRun.exited;
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
}

// 2-3: idle CPU and memory.
const pid = nodePid(tuiRun.child.pid as number);
await until(() => tuiRun.output().includes('exponential'), 'the function list');
// Let the background start-up (deploy checks, Docker probe, worker boot) finish first.
await new Promise((resolve) => setTimeout(resolve, 3000));
const ticks0 = cpuTicks(pid);
const t0 = process.hrtime.bigint();
await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
const idleCpu =
  ((cpuTicks(pid) - ticks0) / CLK_TCK / (Number(process.hrtime.bigint() - t0) / 1e9)) * 100;
const rssMb = memoryKb(pid, 'VmRSS') / 1024;

// 4: the same experiment with the console open and headless (headless before and after).
const before = headless(join(work, 'headless-1.jsonl'));
const index = loadCatalog().functions.findIndex((fn) => fn.name === fnName);
if (index < 0) throw new Error(`unknown function ${fnName}`);
const keys = `${'j'.repeat(index)}${mode === 'warm' ? 'm' : ''}s`;
for (const key of keys) tuiRun.child.stdin?.write(key);
await until(() => invocations(consoleLog).length >= planned, 'the console experiment', 600_000);
const withConsole = medians(consoleLog);
const peakMb = memoryKb(pid, 'VmHWM') / 1024;
tuiRun.child.stdin?.write('q');
await tuiRun.exited;
const after = headless(join(work, 'headless-2.jsonl'));

line(`idle CPU over ${idleSeconds} s`, `${idleCpu.toFixed(2)} %`, '(of one core; target <= 2%)');
line('resident memory, idle', `${rssMb.toFixed(1)} MB`, '(target <= 150 MB)');
line('resident memory, peak', `${peakMb.toFixed(1)} MB`);
process.stdout.write(`\n${fnName} ${mode}, n=${repetitions} per runtime, median total ms:\n`);
for (const runtime of runtimes) {
  const base = ((before[runtime] ?? Number.NaN) + (after[runtime] ?? Number.NaN)) / 2;
  const open = withConsole[runtime] ?? Number.NaN;
  line(
    `  ${runtime}: headless ${before[runtime]?.toFixed(3)} / ${after[runtime]?.toFixed(3)}`,
    `console ${open.toFixed(3)}`,
    `(${(((open - base) / base) * 100).toFixed(1)}% vs headless mean; target within 5%)`,
  );
}
rmSync(work, { recursive: true, force: true });
