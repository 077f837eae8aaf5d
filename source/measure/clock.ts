/**
 * The clock a measurement session reads and sleeps on. The system clock in use; tests inject
 * a virtual one (and a power source that reads it), so every figure is exact.
 */
import { abortableSleep } from '../experiment/runner.js';

export interface MeasureClock {
  /** Host monotonic ns, the clock of InvocationResult.acceptedAtNs and of power readings. */
  monoNs(): bigint;
  /** Epoch ms, for people and for records. */
  wallMs(): number;
  /** Resolves after ms, or at once when the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: MeasureClock = {
  monoNs: () => process.hrtime.bigint(),
  wallMs: () => Date.now(),
  sleep: abortableSleep,
};
