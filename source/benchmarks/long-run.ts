/**
 * A warm energy run at its real length: `nebula bench` of hello on wasm and wasm-p1 with
 * power (the estimate source), its resident memory read from /proc every second and its log
 * read at the marks. Prints resident memory and log bytes per invocation at the first mark
 * (1 minute) and at the end (10 minutes by default), and their ratios: flat is 1.0. Then
 * `nebula report` of the log, timed, with its peak memory.
 * Usage: node dist/source/benchmarks/long-run.js [--minutes M] [--log FILE] [--keep]
 *   M: the run's length (10 by default; 60 for the hour the docs quote)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamSessionLog } from '../session/read-log.js';
import { NEBULA, NODE_FLAGS } from './console-process.js';
import { finishTargets, recordTarget } from './targets.js';

const argValue = (flag: string) => {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const minutes = Number(argValue('--minutes') ?? 10);
if (!(minutes >= 2)) {
  console.error('--minutes must be 2 or more (the first mark is at 1 minute)');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'nebula-long-run-'));
const log = argValue('--log') ?? join(dir, 'long-run.jsonl');
const keep = process.argv.includes('--keep') || argValue('--log') !== undefined;

// Blocks of 20 s (20 readings of a 1 Hz source) alternate between the runtimes, so the first
// minute already holds both: a later mark compares like with like.
const BLOCK_SECONDS = 20;
const BASELINE_S = 2;
const BLOCKS = Math.max(2, Math.round((minutes * 60 - 2 * BASELINE_S) / (2 * BLOCK_SECONDS)));
const blockSeconds = BLOCK_SECONDS;

/**
 * A child's own peak resident memory, written by itself as it exits (process.resourceUsage
 * maxRSS, in KiB): sampling /proc misses a peak in the last second (the results at the end).
 */
function peakAtExit(file: string): string[] {
  const code = `import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(${JSON.stringify(file)},String(process.resourceUsage().maxRSS*1024)))`;
  return [`--import=data:text/javascript,${encodeURIComponent(code)}`];
}

function readPeak(file: string): number {
  try {
    return Number(readFileSync(file, 'utf8')) || 0;
  } catch {
    return 0;
  }
}

/** VmRSS and VmHWM of a process, in bytes (0 once it is gone). */
function memoryOf(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);
    return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
  } catch {
    return { rss: 0, peak: 0 };
  }
}

async function invocationsIn(path: string): Promise<number> {
  let count = 0;
  await streamSessionLog(path, (record) => {
    if (record.type === 'invocation') count++;
  });
  return count;
}

interface Mark {
  seconds: number;
  peakRss: number;
  logBytes: number;
  invocations: number;
}

async function run(): Promise<Mark[]> {
  const peakFile = join(dir, 'bench-peak');
  const args = [
    ...NODE_FLAGS,
    ...peakAtExit(peakFile),
    NEBULA,
    'bench',
    '--profile',
    'local',
    '--functions',
    'hello',
    '--runtimes',
    'wasm,wasm-p1',
    '--mode',
    'warm',
    '--power',
    '--blocks',
    String(BLOCKS),
    '--block-seconds',
    String(blockSeconds),
    '--baseline',
    String(BASELINE_S),
    '--json',
    '--log',
    log,
  ];
  console.log(`nebula bench ... --blocks ${BLOCKS} --block-seconds ${blockSeconds} --log ${log}`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = Date.now();
  const marks: Mark[] = [];
  let peakRss = 0;
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const pid = child.pid as number;
  let next = 60;
  while (!done) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const memory = memoryOf(pid);
    peakRss = Math.max(peakRss, memory.peak, memory.rss);
    const seconds = (Date.now() - started) / 1000;
    if (seconds >= next && !done) {
      const logBytes = statSync(log).size;
      marks.push({ seconds, peakRss, logBytes, invocations: await invocationsIn(log) });
      console.log(
        `${seconds.toFixed(0)} s: peak resident ${(peakRss / 2 ** 20).toFixed(1)} MB, log ${(logBytes / 2 ** 20).toFixed(1)} MB, ${marks.at(-1)?.invocations} invocations`,
      );
      next += 60;
    }
  }
  const code = await exited;
  if (code !== 0) throw new Error(`nebula bench exited with ${code}`);
  const logBytes = statSync(log).size;
  marks.push({
    seconds: (Date.now() - started) / 1000,
    peakRss: Math.max(peakRss, readPeak(peakFile)),
    logBytes,
    invocations: await invocationsIn(log),
  });
  return marks;
}

async function report(): Promise<{ seconds: number; peakRss: number }> {
  const started = Date.now();
  const peakFile = join(dir, 'report-peak');
  const child = spawn(process.execPath, [...peakAtExit(peakFile), NEBULA, 'report', log], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let peakRss = 0;
  let done = false;
  void exited.then(() => {
    done = true;
  });
  while (!done) {
    const memory = memoryOf(child.pid as number);
    peakRss = Math.max(peakRss, memory.peak, memory.rss);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if ((await exited) !== 0) throw new Error('nebula report failed');
  return { seconds: (Date.now() - started) / 1000, peakRss: Math.max(peakRss, readPeak(peakFile)) };
}

function deployHello(): Promise<void> {
  const child = spawn(
    process.execPath,
    [...NODE_FLAGS, NEBULA, 'deploy', 'hello', '--runtime', 'wasm,wasm-p1'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`deploy exited with ${code}`)),
    ),
  );
}

try {
  await deployHello();
  const marks = await run();
  const first = marks[0] as Mark;
  const last = marks.at(-1) as Mark;
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const perInvocation = (m: Mark) => m.logBytes / m.invocations;
  console.log(
    `\nafter ${first.seconds.toFixed(0)} s: peak resident ${mb(first.peakRss)} MB, ${perInvocation(first).toFixed(1)} log bytes per invocation (${first.invocations} invocations)`,
  );
  console.log(
    `after ${last.seconds.toFixed(0)} s: peak resident ${mb(last.peakRss)} MB, ${perInvocation(last).toFixed(1)} log bytes per invocation (${last.invocations} invocations, log ${mb(last.logBytes)} MB)`,
  );
  const memoryRatio = last.peakRss / first.peakRss;
  console.log(
    `peak resident memory, end over first minute: ${memoryRatio.toFixed(2)} (flat = 1.0)`,
  );
  const logRatio = perInvocation(last) / perInvocation(first);
  console.log(
    `log bytes per invocation, end over first minute: ${logRatio.toFixed(2)} (flat = 1.0)`,
  );
  const reading = await report();
  console.log(
    `nebula report of the ${mb(last.logBytes)} MB log: ${reading.seconds.toFixed(1)} s, peak resident ${mb(reading.peakRss)} MB`,
  );
  recordTarget({
    name: `long run: peak resident memory after ${minutes} min over after 1 min`,
    value: memoryRatio,
    unit: 'x',
    kind: 'atMost',
    limit: 1.2,
    against: 'the same run after 1 minute',
  });
  recordTarget({
    name: `long run: peak resident memory after ${minutes} min`,
    value: last.peakRss / 2 ** 20,
    unit: 'MB',
    kind: 'atMost',
    limit: 150,
  });
  recordTarget({
    name: 'long run: log bytes per invocation, end over 1 min',
    value: logRatio,
    unit: 'x',
    kind: 'atMost',
    limit: 1.2,
  });
  recordTarget({
    name: 'long run: nebula report peak resident memory',
    value: reading.peakRss / 2 ** 20,
    unit: 'MB',
    kind: 'atMost',
    limit: 300,
  });
  finishTargets();
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
