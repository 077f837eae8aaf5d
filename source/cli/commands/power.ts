import type { Command } from 'commander';
import { UsageError } from '../../engine/engine.js';
import { BenchPower, type CellEnergyFigure, figures } from '../../power/bench-power.js';
import {
  createPowerSource,
  PowerConfigError,
  type PowerFlags,
  powerConfigFrom,
} from '../../power/create.js';
import { summarizePower } from '../../power/energy.js';
import { nowNs, PowerRecorder } from '../../power/record.js';
import type { PowerSample, PowerStatus } from '../../power/sample.js';
import { loadProfile } from '../../profiles/load.js';
import { EXIT_FAILED } from '../run.js';
import { stopSignal } from '../signals.js';

interface PowerOptions extends PowerFlags {
  profile?: string;
  duration: number;
  json?: boolean;
}

/** A day: Node's timers cannot wait much longer (about 24.8 days), and no reading needs to. */
const MAX_SECONDS = 86_400;

export function positiveSeconds(name: string): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0 || parsed > MAX_SECONDS) {
      throw new UsageError(
        `${name} must be a number of seconds > 0 and at most ${MAX_SECONDS}, got "${value}"`,
      );
    }
    return parsed;
  };
}

/** The power options `nebula power` and `nebula bench` share. */
export function addPowerOptions(command: Command, prefix = ''): Command {
  return command
    .option(
      `--${prefix}source <kind>`,
      "mqtt, estimate or rapl (default: the profile's power source)",
    )
    .option(`--${prefix}broker <url>`, 'MQTT broker of the plug, e.g. mqtt://127.0.0.1:1883')
    .option(
      `--${prefix}topic <topic>`,
      'the plug topic (tasmota: device topic; shelly: id; zwave: value topic; gude: prefix)',
    )
    .option(`--${prefix}format <format>`, 'tasmota, shelly, zwave or gude')
    .option(
      `--${prefix}poll-seconds <s>`,
      'ask a Tasmota plug for a reading this often',
      positiveSeconds('--poll-seconds'),
    )
    .option(
      `--${prefix}simulated`,
      'the broker is fed by `nebula plug-sim`: label every reading simulated',
    );
}

/** Profile power section, overridden by flags; flag mistakes are usage errors. */
export function powerSourceFrom(profileName: string | undefined, flags: PowerFlags) {
  const profile = loadProfile(profileName);
  try {
    return createPowerSource(powerConfigFrom(profile.power, flags));
  } catch (error) {
    if (error instanceof PowerConfigError) throw new UsageError(error.message);
    throw error;
  }
}

export function registerPower(program: Command): void {
  const command = program
    .command('power')
    .description('read the power source (plug, estimate or RAPL) for a while and summarise')
    .option('--profile <name>', 'profile name in profiles/ or a path')
    .option('--duration <seconds>', 'how long to read', positiveSeconds('--duration'), 10)
    .option('--json', 'print one JSON object at the end');
  addPowerOptions(command).action((options: PowerOptions) => power(options));
}

async function power(options: PowerOptions): Promise<void> {
  const source = powerSourceFrom(options.profile, options);
  const say = (line: string) => process.stderr.write(`power: ${line}\n`);
  // Trouble is shown as it happens, and recovery from it; a plain start is not news.
  let troubled = false;
  source.on('status', (status: PowerStatus) => {
    if (status.state === 'down' || status.state === 'stale') {
      troubled = true;
      const retry = status.state === 'down' ? ', retrying' : '';
      say(`${status.state}: ${status.lastError ?? 'no reason given'}${retry}`);
    } else if (status.state === 'up' && troubled) {
      troubled = false;
      say('up again');
    }
  });
  source.on('rejected', (reason) => say(`skipped a payload: ${reason}`));
  source.on('gap', (gap) => say(`gap: ${gap.reason}`));
  if (!options.json) {
    source.on('sample', (sample: PowerSample) => {
      const time = new Date(sample.receivedAt.ms).toISOString().slice(11, 23);
      process.stdout.write(
        `${time}  ${sample.watts.toFixed(2).padStart(8)} W${sample.simulated ? '  (simulated)' : ''}\n`,
      );
    });
  }
  const recorder = new PowerRecorder(source);
  const window = { startNs: nowNs(), endNs: 0n };
  // A stop signal (cli/signals.ts) ends the reading early; the summary is still printed.
  const stopEarly = stopSignal();
  try {
    await source.start();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.duration * 1000);
      const onStop = () => {
        clearTimeout(timer);
        resolve();
      };
      if (stopEarly.aborted) onStop();
      stopEarly.addEventListener('abort', onStop, { once: true });
    });
  } finally {
    window.endNs = nowNs();
    await source.stop().catch(() => undefined);
    recorder.stop();
  }
  const summary = summarizePower(recorder.samples, window, recorder.gaps);
  const status = source.status();
  const result = {
    source: source.label,
    kind: source.kind,
    simulated: source.simulated || recorder.samples.some((s) => s.simulated),
    samples: summary.samples,
    rejected: status.rejected,
    meanWatts: summary.meanWatts,
    minWatts: summary.minWatts,
    maxWatts: summary.maxWatts,
    energyJoules: summary.energyJoules,
    durationS: summary.durationS,
    gaps: recorder.gaps.length,
    lastError: status.lastError,
    reason: summary.reason,
  };
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(formatSummary(result));
  if (summary.samples === 0) {
    say(
      `no reading in ${summary.durationS.toFixed(1)} s${status.lastError ? ` (last error: ${status.lastError})` : ''}`,
    );
    process.exitCode = EXIT_FAILED;
  }
}

function formatSummary(r: {
  source: string;
  kind: string;
  simulated: boolean;
  samples: number;
  rejected: number;
  meanWatts: number | null;
  minWatts: number | null;
  maxWatts: number | null;
  energyJoules: number | null;
  durationS: number;
  reason: string | null;
}): string {
  const w = (value: number | null) => (value === null ? '-' : `${value.toFixed(2)} W`);
  const label =
    r.kind === 'estimate'
      ? 'estimate (modelled from CPU utilisation, not measured)'
      : `${r.source}${r.simulated ? ' (SIMULATED readings from nebula plug-sim)' : ''}`;
  const energy =
    r.energyJoules === null ? `no figure: ${r.reason}` : `${r.energyJoules.toFixed(2)} J`;
  return [
    `source   ${label}`,
    `readings ${r.samples} in ${r.durationS.toFixed(1)} s, ${r.rejected} rejected`,
    `power    mean ${w(r.meanWatts)}, min ${w(r.minWatts)}, max ${w(r.maxWatts)}`,
    `energy   ${energy}`,
    '',
  ].join('\n');
}

/** `nebula bench` power options: --power (the profile's source) or --power-* flags, --baseline. */
export interface BenchPowerOptions {
  power?: boolean;
  powerSource?: string;
  powerBroker?: string;
  powerTopic?: string;
  powerFormat?: string;
  powerPollSeconds?: number;
  powerSimulated?: boolean;
  baseline?: number;
  profile?: string;
}

export function addBenchPowerOptions(command: Command): Command {
  command.option('--power', "measure energy per invocation with the profile's power source");
  addPowerOptions(command, 'power-');
  return command.option(
    '--baseline <seconds>',
    "idle power measured this long before the run (default: the profile's baselineSeconds)",
    positiveSeconds('--baseline'),
  );
}

function benchPowerFlags(options: BenchPowerOptions): PowerFlags {
  return {
    source: options.powerSource,
    broker: options.powerBroker,
    topic: options.powerTopic,
    format: options.powerFormat,
    pollSeconds: options.powerPollSeconds,
    simulated: options.powerSimulated,
  };
}

/** --power, --baseline or any --power-* flag turns energy measurement on. */
export function benchPowerRequested(options: BenchPowerOptions): boolean {
  return (
    Boolean(options.power) ||
    options.baseline !== undefined ||
    Object.values(benchPowerFlags(options)).some((value) => value !== undefined)
  );
}

/** Starts power for a bench run when asked for; records into the session log as it goes. */
export async function startBenchPower(
  options: BenchPowerOptions,
  /** The session log's append: every reading, gap and the baseline as records. */
  write: (record: { type: string }) => void,
): Promise<BenchPower | null> {
  if (!benchPowerRequested(options)) return null;
  const flags = benchPowerFlags(options);
  const source = powerSourceFrom(options.profile, flags);
  const seconds = options.baseline ?? loadProfile(options.profile).experiment.baselineSeconds;
  const say = (line: string) => process.stderr.write(`power: ${line}\n`);
  source.on('status', (s) => {
    if (s.state === 'down' || s.state === 'stale') say(`${s.state}: ${s.lastError ?? ''}`);
  });
  source.on('gap', (gap) => say(`gap recorded: ${gap.reason}`));
  say(
    `${source.label}${source.kind === 'estimate' ? ' (an estimate, not a measurement)' : ''}; idle baseline for ${seconds} s`,
  );
  const power = await BenchPower.start(source, seconds, write, stopSignal());
  const b = power.baseline;
  say(
    b.watts === null
      ? `no baseline: ${b.reason}`
      : `baseline ${b.watts.toFixed(3)} W over ${b.samples} samples`,
  );
  return power;
}

/** Energy per cell for the report; cells without a figure are listed with the reason. */
export async function finishBenchPower(
  power: BenchPower | null,
  records: ReadonlyArray<{
    cell: string;
    step: number;
    warmup: boolean;
    at: number;
    result: { timings: { totalMs: number } };
  }>,
): Promise<Record<string, CellEnergyFigure> | undefined> {
  if (!power) return undefined;
  const runs = records.map((r) => ({
    cell: r.cell,
    step: r.step,
    warmup: r.warmup,
    at: r.at,
    totalMs: r.result.timings.totalMs,
  }));
  const results = await power.finish(runs);
  for (const r of results) {
    if (r.reason) process.stderr.write(`power: no energy for ${r.cell}: ${r.reason}\n`);
  }
  return Object.fromEntries(figures(results));
}
