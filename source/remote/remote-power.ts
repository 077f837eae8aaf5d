/**
 * The power source of the machine behind a gateway, read through GET /power: its own label,
 * kind and simulated flag, its readings as they come. Unaligned, readings are stamped on
 * arrival here (for the console and `nebula power`); experiments run on that machine use its
 * own readings on its own clock (remote-experiment.ts), never these. Aligned to a clock sync
 * (a session this machine drives, client-driver.ts), each reading keeps the gateway's stamp
 * (`targetAt`) and is placed on this machine's clock by the measured offset, so the network's
 * delay is in no window; the gateway's gaps are placed alike, and a lost stream is a gap.
 */
import { UsageError } from '../core/errors.js';
import type { PowerFlags } from '../power/create.js';
import {
  type HostTime,
  hostNow,
  type PowerGap,
  type PowerSample,
  type PowerSourceKind,
  type PowerStatus,
} from '../power/sample.js';
import { PowerSource } from '../power/source.js';
import { POWER_PATH, type PowerDescription } from '../protocol/gateway.js';
import { type ClockSync, toLocalNs } from './clock-sync.js';
import type { GatewayHttp } from './gateway-http.js';

const RECONNECT_MS = 1000;
/** settle() waits at most this many reading periods (and 2 s) for readings on the way. */
const SETTLE_PERIODS = 3;

export class RemotePowerSource extends PowerSource {
  readonly kind: PowerSourceKind;
  private stream: { cut: () => void } | null = null;
  private retry: NodeJS.Timeout | undefined;
  private sync: ClockSync | null = null;
  /** Aligned: when the stream was lost, on this clock (the gap ends when it is back). */
  private lostAt: { at: HostTime; reason: string } | null = null;
  /** The latest placed reading's time here, and who waits for a later one. */
  private latestNs = 0n;
  private waiting: Array<{ untilNs: bigint; done: () => void }> = [];

  constructor(
    private readonly http: GatewayHttp,
    readonly description: PowerDescription,
  ) {
    super(description.label, description.expectedPeriodMs, description.simulated);
    this.kind = description.kind as PowerSourceKind;
  }

  protected open(): Promise<void> {
    return new Promise((resolve, reject) => {
      let first = true;
      const stream = this.http.stream(
        'GET',
        POWER_PATH,
        undefined,
        (line) => {
          if (first) {
            first = false;
            resolve();
          }
          this.onLine(line);
        },
        'stream power readings',
      );
      this.stream = stream;
      stream.done.then(
        () => this.lost('the gateway ended the power stream', first, reject),
        (error: Error) => this.lost(error.message, first, reject),
      );
    });
  }

  /** From now on readings are placed on this clock by `sync` (see the file's comment). */
  align(sync: ClockSync): void {
    this.sync = sync;
  }

  /** The gateway's time on this machine's clocks: monotonic by the offset, wall from it. */
  private place(there: HostTime): HostTime {
    const monoNs = toLocalNs(this.sync as ClockSync, BigInt(there.monoNs));
    const now = hostNow();
    const ms = now.ms - Number(BigInt(now.monoNs) - monoNs) / 1e6;
    return { ms, monoNs: monoNs.toString() };
  }

  private onLine(line: Record<string, unknown>): void {
    if (this.lostAt && this.sync) {
      const { at, reason } = this.lostAt;
      this.lostAt = null;
      const gap: PowerGap = {
        type: 'power-gap',
        source: this.label,
        from: at,
        to: hostNow(),
        reason,
      };
      this.emit('gap', gap);
    }
    if (line.type === 'sample') {
      const sample = line.sample as PowerSample;
      if (!this.sync) {
        this.accept(sample.watts, sample.sourceTime, sample.simulated, sample.meter);
        return;
      }
      const receivedAt = this.place(sample.receivedAt);
      this.accept(sample.watts, sample.sourceTime, sample.simulated, sample.meter, {
        receivedAt,
        targetAt: sample.receivedAt,
      });
      this.reached(BigInt(receivedAt.monoNs));
    } else if (line.type === 'gap' && this.sync) {
      const gap = line.gap as PowerGap;
      const placed = { from: this.place(gap.from), to: this.place(gap.to) };
      this.emit('gap', { ...gap, ...placed, reason: `on the gateway: ${gap.reason}` });
    } else if (line.type === 'status' || line.type === 'source') {
      const status = line.status as PowerStatus;
      if (status.state === 'down' || status.state === 'stale') {
        this.setState(status.state, `on the gateway: ${status.lastError ?? status.state}`);
      }
    }
  }

  /** Readings placed up to `ns` have all arrived: whoever waited for that goes on. */
  private reached(ns: bigint): void {
    this.latestNs = ns;
    const still = [];
    for (const waiter of this.waiting) {
      if (ns >= waiter.untilNs) waiter.done();
      else still.push(waiter);
    }
    this.waiting = still;
  }

  /**
   * Aligned, a reading taken before `untilNs` may still be on the wire: wait for the first
   * one taken after it (readings come in the order taken), a few periods at most.
   */
  override settle(untilNs: bigint): Promise<void> {
    if (!this.sync || this.currentState !== 'up' || this.latestNs >= untilNs) {
      return Promise.resolve();
    }
    const waitMs = Math.max(2000, SETTLE_PERIODS * this.expectedPeriodMs);
    return new Promise((resolve) => {
      const timer = setTimeout(done, waitMs);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiting.push({ untilNs, done });
    });
  }

  /** The stream ended while we still read: down, and try again shortly. */
  private lost(reason: string, beforeFirst: boolean, reject: (error: Error) => void): void {
    this.stream = null;
    if (beforeFirst) {
      reject(new Error(reason));
      return;
    }
    if (this.currentState === 'stopped') return;
    // Readings the gateway took meanwhile never reach this side: a gap once it is back.
    this.lostAt ??= { at: hostNow(), reason: `power stream from the gateway lost: ${reason}` };
    this.setState('down', reason);
    this.retry = setTimeout(() => {
      if (this.currentState === 'stopped') return;
      this.open().catch((error: Error) => this.lost(error.message, false, () => {}));
    }, RECONNECT_MS);
    this.retry.unref();
  }

  protected async close(): Promise<void> {
    clearTimeout(this.retry);
    for (const waiter of this.waiting.splice(0)) waiter.done();
    this.stream?.cut();
    this.stream = null;
  }
}

/**
 * The gateway's own source (as GET /machine described it), read from here. No flag replaces
 * it, and a gateway without one says how to give it one.
 */
export function openGatewayPower(
  http: GatewayHttp,
  power: PowerDescription | null,
  flags: PowerFlags,
  profile: string,
): RemotePowerSource {
  if (Object.values(flags).some((value) => value !== undefined)) {
    throw new UsageError(
      `${profile} runs functions on the gateway ${http.url}, whose own power source is read there; drop the power flags, or start \`nebula serve\` there with a profile for that source`,
    );
  }
  if (!power) {
    throw new UsageError(
      `the gateway ${http.url} has no power source: start \`nebula serve\` there with a profile whose power source works`,
    );
  }
  return new RemotePowerSource(http, power);
}
