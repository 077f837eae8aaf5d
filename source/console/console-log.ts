/**
 * The console's session log: the session module's SessionLog plus the records only the
 * console writes (segments, actions, errors, the end). Invocations made one at a time by a
 * key press are logged as steps of a "manual" experiment per segment, so `nebula report`
 * summarises them like any other.
 */
import type { InvocationResult } from '../core/invocation.js';
import type { StepRecord } from '../core/plan.js';
import { cellKey } from '../core/plan.js';
import type { Profile } from '../profiles/schema.js';
import type { AnyRecord } from '../session/records.js';
import { SessionLog } from '../session/session-log.js';

export type SegmentRecord = {
  type: 'segment';
  at: number;
  segment: number;
  profile: string;
  label: string;
  target: string;
  power: string;
  reason: 'start' | 'profile switch';
};

export class ConsoleLog {
  private readonly log: SessionLog;
  private step = 0;
  private readonly repetitions = new Map<string, number>();
  segment = 0;

  constructor(log: SessionLog) {
    this.log = log;
  }

  static create(profile: string, options: { dir?: string; path?: string }): ConsoleLog {
    return new ConsoleLog(
      options.path
        ? SessionLog.open(options.path)
        : SessionLog.create(profile, { dir: options.dir }),
    );
  }

  get path(): string {
    return this.log.path;
  }

  append(record: AnyRecord): void {
    this.log.append(record);
  }

  startSegment(profile: Profile, reason: SegmentRecord['reason']): number {
    if (reason !== 'start') this.segment++;
    this.repetitions.clear();
    const record: SegmentRecord = {
      type: 'segment',
      at: Date.now(),
      segment: this.segment,
      profile: profile.name,
      label: profile.label,
      target: profile.target.kind === 'gateway' ? profile.target.url : 'local',
      power: profile.power.source,
      reason,
    };
    this.log.append(record);
    return this.segment;
  }

  action(command: string, details: Record<string, unknown> = {}): void {
    this.log.append({ type: 'action', at: Date.now(), command, ...details });
  }

  error(message: string): void {
    this.log.append({ type: 'error', at: Date.now(), message });
  }

  /** A single invocation made by a key press, as a step of this segment's manual experiment. */
  manual(result: InvocationResult, at: number): StepRecord {
    const cell = cellKey(result);
    const repetition = this.repetitions.get(cell) ?? 0;
    this.repetitions.set(cell, repetition + 1);
    const step: StepRecord = {
      experiment: `manual-${this.segment}`,
      step: this.step++,
      cell,
      warmup: false,
      repetition,
      at,
      result,
    };
    this.log.appendStep(step);
    return step;
  }

  close(reason: string): void {
    try {
      this.log.append({ type: 'end', at: Date.now(), reason });
    } finally {
      this.log.close();
    }
  }
}
