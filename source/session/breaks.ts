/**
 * A run that was stopped or killed and then resumed (`nebula bench --resume LOG`) leaves in
 * its log the invocations of the group it was in the middle of, then a `resume` record, then
 * the rest of the run. The group is run again whole after the break, so its first,
 * half-finished invocations must not count: every reader sees the log through BreakFilter,
 * which holds the invocations of a counted experiment's current group (one function, input
 * and mode; a group's runtimes take turns) until the group is known to be over, and drops
 * those the `resume` record names. A log without a break passes through unchanged, in order.
 */
import type { AnyRecord, InvocationRecord } from './records.js';

/** The mark of a break in a session log: where the run stopped, and what was dropped. */
export interface ResumeRecord {
  type: 'resume';
  experiment: string;
  /** Wall clock (epoch ms) when the run went on. */
  at: number;
  /** Wall clock of the last thing the run logged before the break, null when unknown. */
  lastAt: number | null;
  /** Invocations of the experiment logged before this record from this plan step on are dropped. */
  fromStep: number;
  /** Invocations kept from before the break (warm-ups included). */
  kept: number;
  /** Invocations the run still had to make when it went on. */
  remaining: number;
  dropped: {
    /** Invocations of the half-finished group, run again after the break. */
    invocations: number;
    /** The cells they belonged to. */
    cells: string[];
    /** The line the writer was stopped in the middle of (its number in the file), if any. */
    tornLine: number | null;
  };
  /** The machine when the run went on (its header holds it when the run started). */
  host: { hostname: string; loadAverage: [number, number, number]; node: string; nebula: string };
}

export function isResume(record: AnyRecord): record is AnyRecord & ResumeRecord {
  const r = record as Partial<ResumeRecord>;
  return (
    record.type === 'resume' && typeof r.experiment === 'string' && typeof r.fromStep === 'number'
  );
}

/** The group an invocation belongs to: its function, input and mode. */
export function groupOf(record: { function: string; input: string; mode: string }): string {
  return JSON.stringify([record.function, record.input, record.mode]);
}

export class BreakFilter {
  /** The experiment whose invocations are being held back, and the group they are of. */
  private open: { experiment: string; group: string | null } | null = null;
  private held: AnyRecord[] = [];

  /** The records to pass on now, in log order. */
  take(record: AnyRecord): AnyRecord[] {
    if (record.type === 'experiment' || record.type === 'header') {
      const out = this.release();
      const { experiment, plan } = record as { experiment?: unknown; plan?: { energy?: unknown } };
      // Only counted runs are resumed: an energy run's invocations (thousands a second for
      // minutes a group) are never held, so its log still reads in bounded memory.
      const counted = typeof experiment === 'string' && plan !== undefined && !plan.energy;
      this.open = counted ? { experiment, group: null } : null;
      return [...out, record];
    }
    if (isResume(record)) {
      const out = this.held.filter((held) => !dropped(held, record));
      this.held = [];
      this.open = { experiment: record.experiment, group: null };
      return [...out, record];
    }
    const open = this.open;
    if (
      record.type === 'invocation' &&
      open?.experiment === (record as InvocationRecord).experiment
    ) {
      const group = groupOf(record as InvocationRecord);
      if (group === open.group) {
        this.held.push(record);
        return [];
      }
      // A new group: the one held is over.
      const out = this.release();
      open.group = group;
      this.held = [record];
      return out;
    }
    if (
      record.type === 'experiment-end' &&
      open?.experiment === (record as { experiment?: unknown }).experiment &&
      (record as { aborted?: unknown }).aborted !== true
    ) {
      // Finished: nothing of it will be run again.
      const out = this.release();
      this.open = null;
      return [...out, record];
    }
    // A stopped run's end, its readings, anything else: kept in order behind what is held.
    if (this.held.length > 0) {
      this.held.push(record);
      return [];
    }
    return [record];
  }

  /** At the end of the log: what is held was never run again, so it counts. */
  end(): AnyRecord[] {
    return this.release();
  }

  /** The invocations held now: the group a log that ends here was in (the resume's view). */
  holding(): InvocationRecord[] {
    return this.held.filter((r): r is InvocationRecord => r.type === 'invocation');
  }

  private release(): AnyRecord[] {
    const out = this.held;
    this.held = [];
    if (this.open) this.open.group = null;
    return out;
  }
}

function dropped(record: AnyRecord, resume: ResumeRecord): boolean {
  if (record.type !== 'invocation') return false;
  const invocation = record as InvocationRecord;
  return invocation.experiment === resume.experiment && invocation.step >= resume.fromStep;
}

/**
 * The line a stopped writer tore: the last one skipped, with nothing read after it (a torn
 * last line, or one a later writer ended with a newline and then wrote nothing after).
 */
export class TornLine {
  private last: { line: number; warning: string } | null = null;
  private readSince = 0;

  skipped(line: number, warning: string): void {
    this.last = { line, warning };
    this.readSince = 0;
  }

  read(): void {
    this.readSince++;
  }

  get line(): number | null {
    return this.last && this.readSince === 0 ? this.last.line : null;
  }

  /** The warning to take back when a resume names the line as the one its stop tore. */
  forgive(resume: ResumeRecord): string | null {
    if (!this.last || this.last.line !== resume.dropped?.tornLine) return null;
    const { warning } = this.last;
    this.last = null;
    return warning;
  }
}
