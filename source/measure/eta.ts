/**
 * The time a running plan has left: the estimated cost of what remains (estimate.ts), scaled
 * by how the run so far compares with its estimate (a machine busier than the one the costs
 * came from stretches both alike). Without an estimate each step (or block) counts alike, so
 * the run so far is its own calibration. Fed the session's events, read by any face.
 */
import type { EnergyEstimate, PlanEstimate } from './estimate.js';
import type { SessionEvent } from './types.js';

export interface Eta {
  /** Seconds since the run started. */
  elapsedS: number;
  /** Seconds still to go; null until something has finished to scale by. */
  remainingS: number | null;
}

export class EtaTracker {
  private startedMs: number | null = null;
  /** With energy only blocks count: its invocations run for a block's time, not to a total. */
  private energyRun = false;
  /** Estimated seconds of what has finished and of the whole (without one: steps or blocks). */
  private done = 0;
  private whole = 0;
  /** When the last step or block counted in `done` finished. */
  private at = 0;

  constructor(private readonly estimate: PlanEstimate | null) {}

  event(event: SessionEvent, nowMs: number): void {
    const estimate = this.estimate;
    if (event.type === 'start') {
      this.startedMs = nowMs;
      this.energyRun = event.energy;
      this.done = 0;
      this.whole = estimate ? estimate.seconds : event.total;
    } else if (event.type === 'invocation' && !this.energyRun) {
      this.done =
        estimate?.kind === 'counted'
          ? (estimate.cumulative[event.record.step] ?? this.done)
          : event.done;
      this.at = nowMs;
    } else if (event.type === 'block') {
      if (estimate?.kind === 'energy') {
        this.done = estimate.afterBlocks(event.done);
        this.whole = energyWhole(estimate, event.total);
      } else {
        this.done = event.done;
        this.whole = event.total;
      }
      this.at = nowMs;
    }
  }

  eta(nowMs: number): Eta {
    if (this.startedMs === null) return { elapsedS: 0, remainingS: null };
    const elapsedS = (nowMs - this.startedMs) / 1000;
    if (this.done <= 0) return { elapsedS, remainingS: null };
    const spent = (this.at - this.startedMs) / 1000;
    const left = Math.max(0, this.whole - this.done) * (spent / this.done);
    // The time since the last finished step is already part of what is left.
    return { elapsedS, remainingS: Math.max(0, left - (elapsedS - spent)) };
  }
}

/** The whole when a precision run has grown the blocks past those planned. */
function energyWhole(estimate: EnergyEstimate, blocks: number): number {
  const planned = estimate.groups * estimate.lanes * estimate.blocks;
  return (
    estimate.seconds +
    Math.max(0, blocks - planned) * (estimate.afterBlocks(1) - estimate.afterBlocks(0))
  );
}
