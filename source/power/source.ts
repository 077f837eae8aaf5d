import { EventEmitter } from 'node:events';
import {
  type HostTime,
  hostNow,
  type MeterValues,
  type PowerGap,
  type PowerSample,
  type PowerSourceKind,
  type PowerState,
  type PowerStatus,
} from './sample.js';

export interface PowerSourceEvents {
  sample: [PowerSample];
  gap: [PowerGap];
  status: [PowerStatus];
  /** A payload that was not a valid reading, with the reason; it is counted and skipped. */
  rejected: [string];
}

/** Stale after this many expected periods without a reading. */
export const STALE_PERIODS = 3;

/**
 * One interface for every source: start(), stop(), 'sample' events, counters and a status.
 * Subclasses call accept()/reject()/setState(); staleness is tracked here.
 */
export abstract class PowerSource extends EventEmitter<PowerSourceEvents> {
  abstract readonly kind: PowerSourceKind;
  private state: PowerState = 'stopped';
  private lastError: string | null = null;
  private lastSampleAt: HostTime | null = null;
  private lastProgressNs = 0n;
  private samples = 0;
  private rejected = 0;
  private staleTimer: NodeJS.Timeout | undefined;

  constructor(
    /** The label every sample carries. */
    readonly label: string,
    /** How often a reading should arrive, in ms. */
    readonly expectedPeriodMs: number,
    /** Every sample is marked simulated (the profile says the broker is fed by plug-sim). */
    readonly simulated = false,
  ) {
    super();
  }

  async start(): Promise<void> {
    if (this.state !== 'stopped') return;
    this.lastProgressNs = process.hrtime.bigint();
    this.setState('connecting');
    // Fires only after a silence (each reading re-arms it), not once a period.
    this.staleTimer = setTimeout(() => this.checkStale(), this.staleAfterMs);
    this.staleTimer.unref();
    try {
      await this.open();
    } catch (error) {
      clearTimeout(this.staleTimer);
      this.setState('stopped', (error as Error).message);
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    clearTimeout(this.staleTimer);
    await this.close();
    this.setState('stopped');
  }

  /**
   * Resolves once every reading taken before `untilNs` (host monotonic) has been delivered.
   * A source read on this machine delivers each reading as it reads it: at once. A source
   * read from elsewhere (a gateway's stream) may still have some on the way.
   */
  async settle(_untilNs: bigint): Promise<void> {}

  status(): PowerStatus {
    return {
      state: this.state,
      source: this.label,
      lastError: this.lastError,
      lastSampleAt: this.lastSampleAt,
      samples: this.samples,
      rejected: this.rejected,
    };
  }

  protected abstract open(): Promise<void>;
  protected abstract close(): Promise<void>;

  protected accept(
    watts: number,
    sourceTime: number | null,
    simulated = false,
    meter?: MeterValues,
    /** A reading taken on another machine: when, there, and that time on this one's clocks. */
    placed?: { receivedAt: HostTime; targetAt: HostTime },
  ): void {
    if (this.state === 'stopped') return;
    const receivedAt = placed?.receivedAt ?? hostNow();
    this.samples++;
    this.lastSampleAt = receivedAt;
    this.lastProgressNs = BigInt(receivedAt.monoNs);
    this.staleTimer?.refresh();
    const sample: PowerSample = {
      watts,
      sourceTime,
      receivedAt,
      simulated: simulated || this.simulated,
      source: this.label,
      ...(meter && Object.keys(meter).length > 0 ? { meter } : {}),
      ...(placed ? { targetAt: placed.targetAt } : {}),
    };
    if (this.state === 'connecting' || this.state === 'stale') this.setState('up');
    this.emit('sample', sample);
  }

  protected reject(reason: string): void {
    this.rejected++;
    this.lastError = reason;
    this.emit('rejected', reason);
  }

  protected setState(state: PowerState, error?: string): void {
    if (error !== undefined) this.lastError = error;
    // Coming up restarts the stale clock: it measures silence since the source came up.
    if (state === 'up' && this.state !== 'stale') {
      this.lastProgressNs = process.hrtime.bigint();
      this.staleTimer?.refresh();
    }
    if (state === this.state && error === undefined) return;
    this.state = state;
    this.emit('status', this.status());
  }

  protected get currentState(): PowerState {
    return this.state;
  }

  private get staleAfterMs(): number {
    return STALE_PERIODS * this.expectedPeriodMs;
  }

  /** Runs a silence after the last reading (or coming up); a source not up is left alone. */
  private checkStale(): void {
    if (this.state !== 'up') return;
    const silentMs = Number(process.hrtime.bigint() - this.lastProgressNs) / 1e6;
    if (silentMs >= this.staleAfterMs) {
      this.setState('stale', `no reading for ${(silentMs / 1000).toFixed(1)} s`);
    } else {
      // Early (timers may fire a little before the monotonic clock agrees): look again.
      this.staleTimer = setTimeout(() => this.checkStale(), this.staleAfterMs - silentMs + 1);
      this.staleTimer.unref();
    }
  }
}
