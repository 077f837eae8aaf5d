/**
 * Several session logs for one report, each kept apart: a session is one machine and
 * profile, and numbers are never pooled across sessions. The same file given twice is
 * refused; two files that hold the same session (a copy) are named apart, never merged.
 */
import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { readSessionLog } from '../session/read-log.js';
import { type AnyRecord, type HeaderRecord, isHeader } from '../session/records.js';

export interface Session {
  /** How columns and headings name it: profile @ host, unique within the report. */
  label: string;
  path: string;
  header: HeaderRecord | null;
  records: AnyRecord[];
  warnings: string[];
}

export class SessionsError extends Error {
  override name = 'SessionsError';
}

export function loadSessions(paths: readonly string[]): Session[] {
  if (paths.length === 0) throw new SessionsError('name at least one session log');
  const seen = new Map<string, string>();
  const sessions: Session[] = [];
  for (const path of paths) {
    let real: string;
    try {
      real = realpathSync(path);
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
    const { records, warnings } = readSessionLog(path);
    const header = (records.find(isHeader) as HeaderRecord | undefined) ?? null;
    sessions.push({ label: '', path, header, records, warnings });
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
