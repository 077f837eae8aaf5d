import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { PowerConfigError, type PowerFlags } from '../../power/create.js';
import { summarizePower } from '../../power/integrate.js';
import { nowNs, PowerRecorder } from '../../power/record.js';
import type { PowerSample, PowerStatus } from '../../power/sample.js';
import type { PowerSource } from '../../power/source.js';
import { loadProfile } from '../../profiles/load.js';
import { createEngineForProfile } from '../../target/engine-for-profile.js';
import { gatewayNote } from '../gateway-note.js';
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
      "mqtt, estimate, rapl, pmic (a Pi 5's board rails) or hwmon (default: the profile's power source)",
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

export function registerPower(program: Command): void {
  const command = program
    .command('power')
    .description(
      'read the power source (plug, estimate, RAPL, Pi 5 PMIC, hwmon) for a while and summarise',
    )
    .option('--profile <name>', 'profile name in profiles/ or a path')
    .option('--duration <seconds>', 'how long to read', positiveSeconds('--duration'), 10)
    .option('--json', 'print one JSON object at the end');
  addPowerOptions(command).action((options: PowerOptions) => power(options));
}

async function power(options: PowerOptions): Promise<void> {
  const profile = loadProfile(options.profile);
  // A gateway profile reads the gateway machine's source, with its own label.
  const engine = await createEngineForProfile(profile);
  try {
    const flags: PowerFlags = {
      source: options.source,
      broker: options.broker,
      topic: options.topic,
      format: options.format,
      pollSeconds: options.pollSeconds,
      simulated: options.simulated,
    };
    let source: PowerSource;
    try {
      source = engine.openPower(flags);
    } catch (error) {
      if (error instanceof PowerConfigError) throw new UsageError(error.message);
      throw error;
    }
    const note = gatewayNote(engine, 'power: read');
    if (note) process.stderr.write(note);
    await readPower(source, options);
  } finally {
    await engine.close();
  }
}

async function readPower(source: PowerSource, options: PowerOptions): Promise<void> {
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
