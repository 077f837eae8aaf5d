/**
 * Reads a session log back. A line that is not a JSON object with a string `type` is skipped
 * with a warning: a torn last line (the process died while writing it) is expected after a
 * crash; one in the middle means the file was damaged, and says where. A file none of whose
 * lines is a record is refused as not a session log.
 */
import { readFileSync } from 'node:fs';
import type { AnyRecord } from './records.js';

export interface SessionLogContents {
  records: AnyRecord[];
  warnings: string[];
}

export class SessionLogError extends Error {
  override name = 'SessionLogError';
}

export function readSessionLog(path: string): SessionLogContents {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new SessionLogError(`cannot read session log ${path}: ${why}`);
  }
  const contents = parseSessionLog(text, path);
  // Whole lines, and not one of them a record: another kind of file was named. (A lone torn
  // line is a log whose writer died in its first record, and stays a warning.)
  const damaged = contents.warnings.filter((warning) => !warning.includes('torn last line'));
  if (contents.records.length === 0 && damaged.length > 0) {
    throw new SessionLogError(
      `${path} is not a Nebula session log: none of its ${contents.warnings.length} lines is a JSON record with a "type" (session logs are the .jsonl files that nebula bench and nebula-tui write under logs/)`,
    );
  }
  return contents;
}

export function parseSessionLog(text: string, name = 'session log'): SessionLogContents {
  const lines = text.split('\n');
  const lastIndex = lines.at(-1) === '' ? lines.length - 2 : lines.length - 1;
  const records: AnyRecord[] = [];
  const warnings: string[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const record = parseLine(line);
    if (record) {
      records.push(record);
      return;
    }
    const where = `${name}:${index + 1}`;
    warnings.push(
      index === lastIndex
        ? `${where}: skipped a torn last line (${line.length} characters; the writer was stopped mid-line)`
        : `${where}: skipped a line that is not a JSON record with a "type"`,
    );
  });
  return { records, warnings };
}

function parseLine(line: string): AnyRecord | null {
  try {
    const value: unknown = JSON.parse(line);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const type = (value as { type?: unknown }).type;
      if (typeof type === 'string') return value as AnyRecord;
    }
  } catch {
    // fall through: not a record
  }
  return null;
}
