/** What every power source produces, as plain serializable records (session log lines). */

export const POWER_SOURCE_KINDS = ['mqtt', 'modbus', 'estimate', 'rapl', 'pmic', 'hwmon'] as const;
export type PowerSourceKind = (typeof POWER_SOURCE_KINDS)[number];

/** When the host had the reading: wall clock for people, monotonic clock for arithmetic. */
export interface HostTime {
  /** Date.now() */
  ms: number;
  /** process.hrtime.bigint() as a decimal string, the clock of InvocationResult.acceptedAtNs. */
  monoNs: string;
}

/**
 * What the meter gave besides watts, as it gave it, so that every method can be recomputed
 * from a log (the thesis's power = 240 V x current among them). Absent fields: not reported.
 */
export interface MeterValues {
  /** RMS voltage, V. */
  volts?: number;
  /** RMS current, A. */
  amps?: number;
  /** Power factor, 0..1. */
  powerFactor?: number;
  /** The meter's own energy counter, Wh (it counts from whenever the meter last reset it). */
  energyWh?: number;
  /** Board rails (a PMIC, hwmon): name -> [volts, amps]. */
  rails?: Record<string, [number, number]>;
}

export interface PowerSample {
  watts: number;
  /** The meter's own values besides watts; absent when it gives none. */
  meter?: MeterValues;
  /** The plug's own timestamp (epoch ms) when its payload carries one, else null. */
  sourceTime: number | null;
  receivedAt: HostTime;
  /** True when the reading comes from `nebula plug-sim` or a profile marked simulated. */
  simulated: boolean;
  /** Which source: "estimate", "rapl", "mqtt tasmota plug-1", ... */
  source: string;
  /**
   * A reading taken behind a gateway and read by a client that drives the experiment: when
   * the gateway received it, on the gateway's clocks; receivedAt is then that same moment on
   * this machine's clocks (remote/clock-sync.ts), not the moment it arrived here.
   */
  targetAt?: HostTime;
}

/** A stretch of time in which the source could not have delivered readings. */
export interface PowerGap {
  type: 'power-gap';
  source: string;
  from: HostTime;
  to: HostTime;
  reason: string;
}

export type PowerState = 'connecting' | 'up' | 'down' | 'stale' | 'stopped';

export interface PowerStatus {
  state: PowerState;
  source: string;
  /** The last thing that went wrong (broker refused, payload rejected), kept after recovery. */
  lastError: string | null;
  lastSampleAt: HostTime | null;
  samples: number;
  rejected: number;
}

export function hostNow(): HostTime {
  return { ms: Date.now(), monoNs: process.hrtime.bigint().toString() };
}
