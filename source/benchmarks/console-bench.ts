/**
 * The console's own footprint, each figure from a real `nebula-tui` under a pseudo-terminal
 * (benchmarks/console-process.ts), printed beside its target (benchmarks/targets.ts):
 * - the first frame, over several start-ups;
 * - CPU while idle with a power source up (the estimate, and a simulated plug through a real
 *   broker), and the idle baseline that source reads with the console open against closed;
 * - resident memory idle, and its peak during one counted experiment of --invocations in all
 *   (split between the runtimes), with the median total beside the same experiment headless
 *   (`nebula bench`).
 * Usage: node dist/source/benchmarks/console-bench.js [--idle 60] [--invocations 1000] [--function hello]
 *   [--mode warm] [--runtimes wasm,container] (container only when DOCKER_HOST is set)
 *   [--starts 5] [--only-start] [--sources estimate,simulated]
 *   [--only-idle] (the first frame and the idle figures, without the experiment)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCatalog } from '../catalog/catalog.js';
import { median, sortAscending } from '../core/stats.js';
import { idleWatts, startSimulatedPlug } from './console-power.js';
import {
  cpuShareOver,
  loadAverage,
  memoryMb,
  nodePid,
  quitTui,
  sleep,
  startTui,
  type Tui,
  until,
} from './console-process.js';
import { headlessMedians, loggedInvocations, logMedians } from './console-runs.js';
import { finishTargets, recordTarget } from './targets.js';

const { values } = parseArgs({
  options: {
    idle: { type: 'string', default: '60' },
    invocations: { type: 'string', default: '1000' },
    function: { type: 'string', default: 'hello' },
    mode: { type: 'string', default: 'warm' },
    runtimes: { type: 'string' },
    starts: { type: 'string', default: '5' },
    sources: { type: 'string', default: 'estimate,simulated' },
    'only-start': { type: 'boolean', default: false },
    'only-idle': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});
const idleSeconds = Number(values.idle);
const fnName = values.function as string;
const mode = values.mode as string;
const starts = Number(values.starts);
if (!Number.isInteger(starts) || starts < 1) {
  throw new Error(`--starts must be a whole number >= 1, got "${values.starts}"`);
}
if (!(idleSeconds > 0)) throw new Error(`--idle must be seconds > 0, got "${values.idle}"`);
const sources = (values.sources as string).split(',').filter(Boolean);
for (const source of sources) {
  if (source !== 'estimate' && source !== 'simulated') {
    throw new Error(`--sources takes estimate and simulated, got "${source}"`);
  }
}
const runtimes = (values.runtimes ?? (process.env.DOCKER_HOST ? 'wasm,container' : 'wasm')).split(
  ',',
);
const invocations = Number(values.invocations);
if (!Number.isInteger(invocations) || invocations < runtimes.length) {
  throw new Error(
    `--invocations must be a whole number >= ${runtimes.length}, got "${values.invocations}"`,
  );
}
const repetitions = Math.ceil(invocations / runtimes.length);

const dist = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'nebula-console-bench-'));
// Ink draws only the last frame when it thinks it runs in CI.
const { CI: _ci, ...parentEnv } = process.env;
const env = { ...parentEnv, NEBULA_LOGS_DIR: work };

function writeProfile(name: string, power: Record<string, unknown>): string {
  const path = join(work, `${name}.json`);
  const experiment = { repetitions, warmup: 2, pauseMs: 0, baselineSeconds: 0 };
  writeFileSync(
    path,
    JSON.stringify({ name, label: `console benchmark, ${name}`, power, experiment }),
  );
  return path;
}

// No broker listens on port 9: with no power source up, `s` runs the counted experiment
// (energy runs by time instead), the same plan as the headless bench.
const countedProfile = writeProfile('counted', {
  source: 'mqtt',
  broker: 'mqtt://127.0.0.1:9',
  topic: 'none',
  format: 'tasmota',
});

const line = (label: string, value: string, note = '') =>
  process.stdout.write(`${label.padEnd(40)} ${value.padStart(14)}  ${note}\n`);
const load = () => `load ${loadAverage()}`;

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
process.stdout.write(`console bench, ${load()} at start, ${runtimes.join(',')}\n`);

// 1: first frame over several start-ups (the first of them also warms the file cache).
const consoleLog = join(work, 'console.jsonl');
const firstFrames: number[] = [];
const firstOutputs: number[] = [];
// The last start-up goes on to the experiment and writes the log that is read for it.
const logFor = (run: number) => (run === starts ? consoleLog : join(work, `start-${run}.jsonl`));
let tuiRun = startTui(['--profile', countedProfile, '--log', logFor(1)], env);
for (let run = 1; ; run++) {
  firstFrames.push(await tuiRun.firstFrameMs);
  firstOutputs.push(await tuiRun.firstOutputMs);
  if (run === starts) break;
  const done = tuiRun;
  await until(() => done.output().includes('exponential'), 'the function list');
  await quitTui(done);
  tuiRun = startTui(['--profile', countedProfile, '--log', logFor(run + 1)], env);
}
const spread = (list: number[]) => {
  const sorted = sortAscending(list);
  return `${median(sorted)?.toFixed(0)} ms (${sorted.map((v) => v.toFixed(0)).join(', ')})`;
};
const firstFrame = median(sortAscending(firstFrames)) ?? Number.NaN;
line(`first output, median of ${starts}`, spread(firstOutputs));
line(`first frame, median of ${starts}`, spread(firstFrames), load());
recordTarget({
  name: 'console first frame',
  value: firstFrame,
  unit: 'ms',
  kind: 'atMost',
  limit: 700,
});
if (values['only-start']) {
  await quitTui(tuiRun);
  rmSync(work, { recursive: true, force: true });
  finishTargets();
  process.exit(0);
}

/** Waits until start-up work (deploy checks, Docker probe, worker boot) is over. */
async function settle(
  tui: Tui,
  ready: (text: string) => boolean,
  what: string,
  ms = 3000,
): Promise<void> {
  await until(() => ready(tui.text()), what);
  await sleep(ms);
}

// 2: memory, idle and during a counted experiment, with the console against headless.
if (values['only-idle']) await quitTui(tuiRun);
else await measureMemory(tuiRun);

async function measureMemory(tuiRun: Tui): Promise<void> {
  const pid = nodePid(tuiRun.child.pid as number);
  await settle(tuiRun, (text) => text.includes('exponential'), 'the function list');
  const rssIdle = memoryMb(pid, 'VmRSS');
  line('resident memory, idle', `${rssIdle.toFixed(1)} MB`, load());
  const before = headlessMedians(
    countedProfile,
    fnName,
    runtimes,
    mode,
    join(work, 'h1.jsonl'),
    env,
  );
  const index = loadCatalog().functions.findIndex((fn) => fn.name === fnName);
  if (index < 0) throw new Error(`unknown function ${fnName}`);
  const planned = runtimes.length * (repetitions + 2);
  for (const key of `${'j'.repeat(index)}${mode === 'warm' ? 'm' : ''}s`)
    tuiRun.child.stdin?.write(key);
  await until(
    () => loggedInvocations(consoleLog).length >= planned,
    'the console experiment',
    900_000,
  );
  const withConsole = logMedians(consoleLog, runtimes);
  const peak = memoryMb(pid, 'VmHWM');
  const rssAfter = memoryMb(pid, 'VmRSS');
  await quitTui(tuiRun);
  const after = headlessMedians(
    countedProfile,
    fnName,
    runtimes,
    mode,
    join(work, 'h2.jsonl'),
    env,
  );
  line(`resident memory, peak (${planned} invocations)`, `${peak.toFixed(1)} MB`, load());
  line('resident memory, after the experiment', `${rssAfter.toFixed(1)} MB`);
  recordTarget({
    name: `console peak memory, ${planned}-invocation experiment`,
    value: peak,
    unit: 'MB',
    kind: 'atMost',
    limit: 150,
  });
  process.stdout.write(`${fnName} ${mode}, n=${repetitions} per runtime, median total ms:\n`);
  for (const runtime of runtimes) {
    const base = ((before[runtime] ?? Number.NaN) + (after[runtime] ?? Number.NaN)) / 2;
    const open = withConsole[runtime] ?? Number.NaN;
    const ratio = open / base;
    line(
      `  ${runtime}: headless ${before[runtime]?.toFixed(3)} / ${after[runtime]?.toFixed(3)}`,
      `console ${open.toFixed(3)}`,
      `(${ratio.toFixed(3)}x the headless mean)`,
    );
    recordTarget({
      name: `${runtime} ${fnName} ${mode} median with the console open`,
      value: ratio,
      unit: 'x',
      kind: 'atMost',
      limit: 1.05,
      against: 'the same experiment headless',
    });
  }
}

// 3: idle with a power source up: the console's CPU, and the baseline it leaves.
for (const source of sources) {
  const plug = source === 'simulated' ? await startSimulatedPlug(env) : null;
  const profile = plug
    ? writeProfile('simulated', {
        source: 'mqtt',
        broker: plug.broker,
        topic: plug.topic,
        format: 'tasmota',
        simulated: true,
      })
    : writeProfile('estimate', { source: 'estimate', idleWatts: 2.7, fullWatts: 6.4 });
  try {
    const closedBefore = await idleWatts(profile, idleSeconds, env);
    const loadClosed = loadAverage();
    const tui = startTui(['--profile', profile, '--log', join(work, `${source}.jsonl`)], env);
    // Start-up's own work (compiling, collecting what loading left) is over after 10 s.
    await settle(
      tui,
      (text) => text.includes(`W ${source}`),
      `a reading labelled ${source}`,
      10_000,
    );
    const consolePid = nodePid(tui.child.pid as number);
    const writes0 = tui.writes();
    const bytes0 = tui.output().length;
    const [openWatts, cpu] = await Promise.all([
      idleWatts(profile, idleSeconds, env),
      cpuShareOver(consolePid, idleSeconds),
    ]);
    const writes = tui.writes() - writes0;
    const bytes = tui.output().length - bytes0;
    const loadOpen = loadAverage();
    await quitTui(tui);
    const closedAfter = await idleWatts(profile, idleSeconds, env);
    const closed = (closedBefore + closedAfter) / 2;
    line(
      `idle CPU over ${cpu.seconds.toFixed(0)} s, ${source}`,
      `${cpu.percent.toFixed(2)} %`,
      `of one core; ${writes} writes, ${bytes} bytes to the terminal; load ${loadOpen}`,
    );
    line(
      `idle baseline, ${source}, closed / open`,
      `${closed.toFixed(3)} / ${openWatts.toFixed(3)} W`,
      `open - closed ${(openWatts - closed).toFixed(3)} W; closed before ${closedBefore.toFixed(3)}, after ${closedAfter.toFixed(3)} W; load ${loadClosed}`,
    );
    recordTarget({
      name: `console idle CPU over ${idleSeconds} s, ${source} source up`,
      value: cpu.percent,
      unit: '% of a core',
      kind: 'atMost',
      limit: 0.5,
    });
  } finally {
    await plug?.stop();
  }
}
rmSync(work, { recursive: true, force: true });
finishTargets();
