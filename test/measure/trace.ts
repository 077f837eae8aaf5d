/**
 * A virtual clock and a power source that reads it: a trace of readings fixed by the test,
 * so a measurement session's figures are exact. The source is a stand-in for a plug and says
 * so in its label.
 */
import type { InvocationResult } from '../../source/core/invocation.js';
import type { Cell } from '../../source/core/plan.js';
import type { InvokeFn } from '../../source/experiment/runner.js';
import type { MeasureClock } from '../../source/measure/clock.js';
import { PowerSource } from '../../source/power/source.js';

export const WALL0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

export class VirtualClock implements MeasureClock {
  private ns = 0n;
  private readonly listeners: Array<(from: bigint, to: bigint) => void> = [];

  monoNs(): bigint {
    return this.ns;
  }
  wallMs(): number {
    return WALL0 + Number(this.ns / 1_000_000n);
  }
  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    this.advance(BigInt(Math.round(ms * 1e6)));
    await Promise.resolve();
  }
  advance(ns: bigint): void {
    const from = this.ns;
    this.ns += ns;
    for (const listener of this.listeners) listener(from, this.ns);
  }
  onAdvance(listener: (from: bigint, to: bigint) => void): void {
    this.listeners.push(listener);
  }
}

/** Idle watts, and what each runtime draws while one of its invocations runs. */
export interface Load {
  idleWatts: number;
  watts: Record<string, number>;
  /** How long one invocation of each runtime takes, in ms. */
  ms: Record<string, number>;
}

/** One reading every periodMs of virtual time, of the load running when it is taken. */
export class TracePower extends PowerSource {
  readonly kind = 'mqtt';
  running: string | null = null;

  constructor(
    private readonly clock: VirtualClock,
    private readonly load: Load,
    periodMs = 1000,
  ) {
    super('trace (test stand-in for a plug)', periodMs, true);
    clock.onAdvance((from, to) => this.tick(from, to));
  }

  protected async open(): Promise<void> {
    this.setState('up');
  }
  protected async close(): Promise<void> {}

  private tick(from: bigint, to: bigint): void {
    if (this.currentState === 'stopped') return;
    const period = BigInt(this.expectedPeriodMs) * 1_000_000n;
    for (let t = (from / period + 1n) * period; t <= to; t += period) {
      const watts = this.running ? (this.load.watts[this.running] as number) : this.load.idleWatts;
      this.emit('sample', {
        watts,
        sourceTime: null,
        receivedAt: { ms: WALL0 + Number(t / 1_000_000n), monoNs: t.toString() },
        simulated: true,
        source: this.label,
      });
    }
  }

  /** An engine's invoke whose invocations take load.ms of virtual time each. */
  invoker(): InvokeFn {
    return async (cell: Cell): Promise<InvocationResult> => {
      const acceptedAtNs = this.clock.monoNs().toString();
      const ms = this.load.ms[cell.runtime] as number;
      this.running = cell.runtime;
      this.clock.advance(BigInt(Math.round(ms * 1e6)));
      this.running = null;
      await Promise.resolve();
      return {
        ...cell,
        ok: true,
        output: 'hello\n',
        error: null,
        failure: null,
        exitCode: 0,
        stderr: '',
        timings: {
          startupMs: ms / 2,
          inputMs: ms / 20,
          execMs: ms / 8,
          outputMs: ms / 40,
          teardownMs: ms / 4 - ms / 20 - ms / 40 + ms / 8,
          totalMs: ms,
          thesisStartupMs: ms / 4,
          thesisRuntimeMs: (ms * 3) / 4,
        },
        acceptedAtNs,
      };
    };
  }
}

export const LOAD: Load = {
  idleWatts: 3,
  watts: { wasm: 4, container: 5, 'wasm-p1': 4 },
  ms: { wasm: 100, container: 250, 'wasm-p1': 50 },
};
