/** Keeping a source's samples and gaps while something runs: baselines and batch windows. */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Baseline, baselineFrom, type EnergyWindow } from './integrate.js';
import type { PowerGap, PowerSample } from './sample.js';
import type { PowerSource } from './source.js';

/** A session log line: every reading and every gap, as they come. */
export type PowerRecord = ({ type: 'power' } & PowerSample) | PowerGap;

/** Collects everything a started source emits until stop(); optionally writes each record. */
export class PowerRecorder {
  readonly samples: PowerSample[] = [];
  readonly gaps: PowerGap[] = [];
  private readonly onSample = (sample: PowerSample) => {
    this.samples.push(sample);
    this.write?.({ type: 'power', ...sample });
  };
  private readonly onGap = (gap: PowerGap) => {
    this.gaps.push(gap);
    this.write?.(gap);
  };

  constructor(
    readonly source: PowerSource,
    private readonly write?: (record: PowerRecord) => void,
  ) {
    source.on('sample', this.onSample);
    source.on('gap', this.onGap);
  }

  stop(): void {
    this.source.off('sample', this.onSample);
    this.source.off('gap', this.onGap);
  }
}

export const nowNs = (): bigint => process.hrtime.bigint();

export interface MeasuredBaseline extends Baseline {
  window: { startNs: string; endNs: string };
}

/** Idle power of a started source over `seconds`, by the rules of windowEnergy. */
export async function measureBaseline(
  source: PowerSource,
  seconds: number,
  options: { signal?: AbortSignal; write?: (record: PowerRecord) => void } = {},
): Promise<MeasuredBaseline> {
  const recorder = new PowerRecorder(source, options.write);
  const window: EnergyWindow = { startNs: nowNs(), endNs: 0n };
  try {
    await sleep(seconds * 1000, undefined, { signal: options.signal });
  } finally {
    window.endNs = nowNs();
    recorder.stop();
  }
  return {
    ...baselineFrom(recorder.samples, window, recorder.gaps),
    window: { startNs: window.startNs.toString(), endNs: window.endNs.toString() },
  };
}

/**
 * Runs `run` while recording the source into the session log; returns what it recorded and
 * the window [start of run, end of run] to give attributeEnergy.
 */
export async function withPower<T>(
  source: PowerSource,
  write: (record: PowerRecord) => void,
  run: () => Promise<T>,
): Promise<{ result: T; window: EnergyWindow; samples: PowerSample[]; gaps: PowerGap[] }> {
  const recorder = new PowerRecorder(source, write);
  const window: EnergyWindow = { startNs: nowNs(), endNs: 0n };
  try {
    const result = await run();
    window.endNs = nowNs();
    return { result, window, samples: recorder.samples, gaps: recorder.gaps };
  } finally {
    recorder.stop();
  }
}
