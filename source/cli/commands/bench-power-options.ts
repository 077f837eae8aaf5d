/** The energy options of `nebula bench`: the power source, idle, blocks and precision. */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { IDLE_LAYOUTS, type IdleLayout } from '../../measure/plan.js';
import type { PowerFlags } from '../../power/create.js';
import { positiveInt } from '../run.js';
import { addPowerOptions, positiveSeconds } from './power.js';

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
  blocks?: number;
  blockSeconds?: number;
  idle?: IdleLayout;
  precision?: number;
  maxMinutes?: number;
  profile?: string;
}

/** "5%" or "0.05": the half-width of the net interval, as a fraction of the figure. */
export function precisionFraction(value: string): number {
  const text = value.trim();
  const fraction = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction > 1 || text === '') {
    throw new UsageError(
      `--precision must be a fraction of the figure, such as 5% or 0.05 (above 0, at most 100%), got "${value}"`,
    );
  }
  return fraction;
}

function idleLayout(value: string): IdleLayout {
  if (!(IDLE_LAYOUTS as readonly string[]).includes(value)) {
    throw new UsageError(`--idle must be ${IDLE_LAYOUTS.join(' or ')}, got "${value}"`);
  }
  return value as IdleLayout;
}

export function addBenchPowerOptions(command: Command): Command {
  command.option('--power', "measure energy per invocation with the profile's power source");
  addPowerOptions(command, 'power-');
  return command
    .option(
      '--baseline <seconds>',
      "idle power measured this long before and again after the blocks (default: the profile's baselineSeconds)",
      positiveSeconds('--baseline'),
    )
    .option(
      '--blocks <count>',
      "blocks per runtime, alternating between runtimes (default: the profile's, 6: enough for a 95% interval)",
      positiveInt('--blocks'),
    )
    .option(
      '--block-seconds <s>',
      'length of a block (default: sized from the reading interval for 10 readings)',
      positiveSeconds('--block-seconds'),
    )
    .option(
      '--idle <layout>',
      'interleaved (idle after every block, net against the idle beside it; the default) or around (idle only before and after)',
      idleLayout,
    )
    .option(
      '--precision <P>',
      "add blocks until each runtime's net 95% interval is within P of its figure (5% or 0.05), or the time cap",
      precisionFraction,
    )
    .option(
      '--max-minutes <m>',
      'with --precision: the most time a function/input/mode may spend in blocks (default 10)',
      (value: string) => {
        const minutes = Number(value);
        if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 1440) {
          throw new UsageError(
            `--max-minutes must be a number of minutes > 0 and at most 1440, got "${value}"`,
          );
        }
        return minutes;
      },
    );
}

export function benchPowerFlags(options: BenchPowerOptions): PowerFlags {
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
    options.blocks !== undefined ||
    options.blockSeconds !== undefined ||
    options.idle !== undefined ||
    options.precision !== undefined ||
    options.maxMinutes !== undefined ||
    Object.values(benchPowerFlags(options)).some((value) => value !== undefined)
  );
}
