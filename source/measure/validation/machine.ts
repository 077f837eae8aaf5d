/**
 * A simulated machine and meter for the measurement session itself: a virtual clock, an
 * invoke function whose invocations take their own (seeded) time and energy, and a power
 * source that reads the machine's power through a meter model as the clock moves. The
 * session (session.ts runExperiment) runs its real plan on them: idle windows, blocks,
 * attribution, all its own code; only time, the machine and the meter are made up, and the
 * truth (each invocation's energy) is known because this file made it.
 */
import type { InvocationResult } from '../../core/invocation.js';
import type { Cell } from '../../core/plan.js';
import type { InvokeFn } from '../../experiment/runner.js';
import { PowerSource } from '../../power/source.js';
import type { MeasureClock } from '../clock.js';
import { type MeterModel, normal } from './meters.js';

/** What the machine does: idle, its drift and steps, and each runtime's invocations. */
export interface MachineModel {
  idleWatts: number;
  /** The machine's own fluctuation around idle, seen independently by each reading, W. */
  idleNoiseW: number;
  /** Idle grows by this many watts per second (a slow warming). */
  driftWattsPerS: number;
  /** Other load switching on: +watts from atS seconds into the run. */
  step: { watts: number; atS: number } | null;
  /** Per runtime: mean duration of one invocation (s) and mean power above idle (W). */
  runtimes: Record<string, { durationS: number; netWatts: number }>;
  /** Spread of each invocation's duration and power (lognormal sigma). */
  spread: number;
}

const WALL0 = 1_767_225_600_000;

/** Idle energy over [a, b] in s: the drift is linear and the step exact. */
export function idleJoules(machine: MachineModel, a: number, b: number): number {
  let joules = (b - a) * (machine.idleWatts + (machine.driftWattsPerS * (a + b)) / 2);
  if (machine.step) joules += machine.step.watts * Math.max(0, b - Math.max(a, machine.step.atS));
  return joules;
}

function idleAt(machine: MachineModel, t: number): number {
  const step = machine.step && t >= machine.step.atS ? machine.step.watts : 0;
  return machine.idleWatts + machine.driftWattsPerS * t + step;
}

type Span = [start: number, end: number, joules: number];

/** The meter: readings at jittered slots as time passes, labelled a simulation. */
export class SimulatedMeter extends PowerSource {
  readonly kind = 'estimate';
  private nextSlot: number;
  private slot = 0;
  private readonly phase: number;

  constructor(
    private readonly machine: SimulatedMachine,
    private readonly model: MeterModel,
    private readonly random: () => number,
  ) {
    super(`validation meter: ${model.name} (simulated)`, model.intervalS * 1000, true);
    this.phase = random() * model.intervalS;
    this.nextSlot = this.slotTime();
  }

  protected async open(): Promise<void> {
    this.setState('up');
  }
  protected async close(): Promise<void> {}

  private slotTime(): number {
    const limit = this.model.intervalS * 0.45;
    const jitter = Math.max(-limit, Math.min(limit, this.model.jitterS * normal(this.random)));
    return Math.max(0, this.phase + this.slot++ * this.model.intervalS + jitter);
  }

  /** Every reading due up to t (s), as the clock passes it. */
  readUntil(t: number): void {
    while (this.nextSlot <= t) {
      const at = this.nextSlot;
      this.nextSlot = this.slotTime();
      if (this.currentState !== 'up') continue;
      const m = this.model;
      const watts =
        m.averageS > 0 && at > m.averageS
          ? this.machine.meanPower(at - m.averageS, at)
          : this.machine.powerAt(at);
      const noisy =
        watts +
        this.machine.model.idleNoiseW * normal(this.random) +
        m.noiseW * normal(this.random);
      const ns = BigInt(Math.round(at * 1e9));
      this.emit('sample', {
        watts: Math.max(0, Math.round(noisy / m.quantumW) * m.quantumW),
        sourceTime: null,
        receivedAt: { ms: WALL0 + Math.round(at * 1000), monoNs: ns.toString() },
        simulated: true,
        source: this.label,
      });
    }
  }
}

export class SimulatedMachine {
  private ns = 0n;
  private running: Span | null = null;
  /** Invocations that ended recently (for a meter that averages). */
  private recent: Span[] = [];
  /** Every invocation's energy above idle, by its start (ns, as the session logs it). */
  readonly joulesByStart = new Map<string, Span>();
  readonly meter: SimulatedMeter;
  readonly clock: MeasureClock;

  constructor(
    readonly model: MachineModel,
    meter: MeterModel,
    private readonly random: () => number,
  ) {
    this.meter = new SimulatedMeter(this, meter, random);
    this.clock = {
      monoNs: () => this.ns,
      wallMs: () => WALL0 + Number(this.ns / 1_000_000n),
      sleep: async (ms: number, signal: AbortSignal) => {
        if (signal.aborted) return;
        this.advance(ms / 1000);
        await Promise.resolve();
      },
    };
  }

  get seconds(): number {
    return Number(this.ns) / 1e9;
  }

  private advance(seconds: number): void {
    const to = this.ns + BigInt(Math.round(seconds * 1e9));
    this.meter.readUntil(Number(to) / 1e9);
    this.ns = to;
  }

  powerAt(t: number): number {
    const run = this.running;
    const busy = run && t >= run[0] && t < run[1] ? run[2] / (run[1] - run[0]) : 0;
    return idleAt(this.model, t) + busy;
  }

  meanPower(a: number, b: number): number {
    let joules = idleJoules(this.model, a, b);
    const spans = this.running ? [...this.recent, this.running] : this.recent;
    for (const [start, end, j] of spans) {
      if (end <= a || start >= b) continue;
      joules += (j * (Math.min(end, b) - Math.max(start, a))) / (end - start);
    }
    return joules / (b - a);
  }

  /** The engine's invoke: each invocation draws its duration and power, and takes its time. */
  invoker(): InvokeFn {
    return async (cell: Cell): Promise<InvocationResult> => {
      const spec = this.model.runtimes[cell.runtime];
      if (!spec) throw new Error(`the simulated machine has no runtime ${cell.runtime}`);
      const s = this.model.spread;
      const duration = spec.durationS * Math.exp(s * normal(this.random) - (s * s) / 2);
      const power = spec.netWatts * Math.exp(s * normal(this.random) - (s * s) / 2);
      const start = this.seconds;
      const acceptedAtNs = this.ns.toString();
      const span: Span = [start, start + duration, power * duration];
      this.joulesByStart.set(acceptedAtNs, span);
      this.running = span;
      this.advance(duration);
      this.running = null;
      this.recent.push(span);
      // Only the last few seconds matter to an averaging meter.
      if (this.recent.length > 4096) {
        const horizon = this.seconds - 10;
        this.recent = this.recent.filter((r) => r[1] > horizon);
      }
      await Promise.resolve();
      const ms = duration * 1000;
      return {
        ...cell,
        ok: true,
        output: '',
        error: null,
        failure: null,
        exitCode: 0,
        stderr: '',
        timings: { startupMs: 0, execMs: ms, teardownMs: 0, totalMs: ms },
        acceptedAtNs,
      };
    };
  }
}
