/**
 * Several session logs for one report, each kept apart: a session is one machine and
 * profile, and numbers are never pooled across sessions. The same file given twice is
 * refused; two files that hold the same session (a copy) are named apart, never merged.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { streamSessionLog } from '../session/read-log.js';
import { type AnyRecord, type HeaderRecord, isHeader, isInvocation } from '../session/records.js';
import { DriverDigest } from './driver-table.js';
import { powerSourceOf } from './energy-by-cell.js';
import type { PowerTimeline } from './figures/power-over-time.js';
import { PowerTrace, Spans } from './power-trace.js';
import { type Report, ReportBuilder } from './report.js';
import { type ReportCell, ReportCells } from './report-cells.js';
import { isSizesRecord, type SizesRecord } from './storage.js';

/**
 * One session log as reports need it, read in one pass that keeps no invocation: its report
 * model, its cells pooled over experiments (report-cells.ts), its last sizes record and its
 * power source.
 */
export interface Session {
  /** How columns and headings name it: profile @ host, unique within the report. */
  label: string;
  path: string;
  header: HeaderRecord | null;
  report: Report;
  cells: ReportCell[];
  sizes: SizesRecord | null;
  powerSource: string;
  /** Power readings over time (bounded) and when each function and experiment ran. */
  timeline: PowerTimeline;
  /** Invocation records in the log, warm-ups and failures included. */
  invocations: number;
  /** Its cells by driver (driver-table.ts). */
  drivers: DriverDigest;
  /** The machine behind a gateway its experiments ran on (its last `target` record), else null. */
  target: { hostname: string; arch: string } | null;
  warnings: string[];
}

export class SessionsError extends Error {
  override name = 'SessionsError';
}

/** Takes records one at a time; `session()` gives what reports read. */
export class SessionDigest {
  private readonly builder = new ReportBuilder();
  private readonly cells = new ReportCells();
  private readonly drivers = new DriverDigest();
  private target: Session['target'] = null;
  private header: HeaderRecord | null = null;
  private sizes: SizesRecord | null = null;
  private firstReading: AnyRecord | null = null;
  private invocations = 0;
  private readonly timeline: PowerTimeline = {
    trace: new PowerTrace(),
    experiments: new Spans(),
  };

  add(record: AnyRecord): void {
    this.builder.add(record);
    this.drivers.add(record);
    if (isInvocation(record)) {
      this.invocations++;
      this.cells.add(record);
      this.timeline.experiments.add(record.experiment, record.at);
    } else if (isHeader(record)) this.header ??= record;
    else if (record.type === 'target') this.target = targetMachine(record) ?? this.target;
    else if (isSizesRecord(record)) this.sizes = record;
    else if (record.type === 'power' || record.type === 'power-baseline') {
      this.firstReading ??= record;
      this.addReading(record);
    }
  }

  private addReading(record: AnyRecord): void {
    const { watts, receivedAt } = record as { watts?: unknown; receivedAt?: { ms?: unknown } };
    if (typeof watts === 'number' && typeof receivedAt?.ms === 'number')
      this.timeline.trace.add(receivedAt.ms, watts);
  }

  session(path: string, warnings: string[]): Session {
    return {
      label: '',
      path,
      header: this.header,
      report: this.builder.finish(),
      cells: this.cells.cells(),
      sizes: this.sizes,
      powerSource: powerSourceOf(this.firstReading ? [this.firstReading] : []),
      timeline: this.timeline,
      invocations: this.invocations,
      drivers: this.drivers,
      target: this.target,
      warnings,
    };
  }
}

function targetMachine(record: AnyRecord): Session['target'] {
  const machine = (record as { machine?: { hostname?: unknown; arch?: unknown } }).machine;
  return typeof machine?.hostname === 'string' && typeof machine.arch === 'string'
    ? { hostname: machine.hostname, arch: machine.arch }
    : null;
}

/** A session from records already in memory (tests, a run that just ended). */
export function sessionOf(records: readonly AnyRecord[], path = 'session log'): Session {
  const digest = new SessionDigest();
  for (const record of records) digest.add(record);
  return digest.session(path, []);
}

/** Reads each log once, streaming; `onProgress` hears the bytes read so far of each. */
export async function loadSessions(
  paths: readonly string[],
  onProgress?: (path: string, records: number) => void,
): Promise<Session[]> {
  if (paths.length === 0) throw new SessionsError('name at least one session log');
  const seen = new Map<string, string>();
  const sessions: Session[] = [];
  for (const path of paths) {
    // The file itself (device and inode): a hard link or a symlink is the same file.
    let real: string;
    try {
      const { dev, ino } = statSync(path);
      real = `${dev}:${ino}`;
    } catch {
      real = path;
    }
    const earlier = seen.get(real);
    if (earlier !== undefined) {
      throw new SessionsError(
        `${path} is the same file as ${earlier}: each session is reported once; name each log once`,
      );
    }
    seen.set(real, path);
    const digest = new SessionDigest();
    let count = 0;
    const warnings = await streamSessionLog(path, (record) => {
      digest.add(record);
      count++;
      if (onProgress && count % 50_000 === 0) onProgress(path, count);
    });
    sessions.push(digest.session(path, warnings));
  }
  return nameSessions(sessions);
}

/** profile @ hostname; the file name where that is not unique, then a number. */
export function nameSessions(sessions: Session[]): Session[] {
  const base = (s: Session) =>
    s.header ? `${s.header.profile} @ ${s.header.machine.hostname}` : basename(s.path);
  const counts = new Map<string, number>();
  for (const s of sessions) counts.set(base(s), (counts.get(base(s)) ?? 0) + 1);
  const used = new Set<string>();
  for (const s of sessions) {
    let label = base(s);
    if ((counts.get(label) ?? 0) > 1) label = `${label} (${basename(s.path)})`;
    let candidate = label;
    for (let n = 2; used.has(candidate); n++) candidate = `${label} #${n}`;
    used.add(candidate);
    s.label = candidate;
  }
  return sessions;
}
