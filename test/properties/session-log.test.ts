/**
 * The session log reader on any truncated or corrupted log: every complete line that was
 * written intact comes back, in order, and every other non-empty line is a warning.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { readSessionLog } from '../../source/session/read-log.js';
import { runs } from './runs.js';

export const LOG_RUNS = 300;

const dir = mkdtempSync(join(tmpdir(), 'nebula-log-props-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const record = fc.record({
  type: fc.constantFrom('header', 'invocation', 'power', 'power-gap', 'action', 'x'),
  step: fc.nat(),
  value: fc.jsonValue({ maxDepth: 3 }),
  text: fc.string(),
});

/** Bytes that are not a record: garbage, invalid UTF-8, JSON without a type, half a record. */
const damage = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 80 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ minLength: 1 }).map((text) => Buffer.from(text)),
  fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
  record.map((r) => Buffer.from(JSON.stringify(r).slice(0, -1))),
);

describe('the session log reader', () => {
  it(`keeps every intact line of a damaged, truncated log, in order (${LOG_RUNS} cases)`, () => {
    const file = join(dir, 'damaged.jsonl');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(record, fc.option(damage, { freq: 3 })), { maxLength: 30 }),
        fc.option(fc.nat(), { freq: 2 }),
        (entries, cut) => {
          const parts: Buffer[] = [];
          const intact: Array<{ record: unknown; end: number }> = [];
          let size = 0;
          for (const [entry, garbage] of entries) {
            const line = Buffer.from(`${JSON.stringify(entry)}\n`);
            parts.push(line);
            size += line.length;
            intact.push({ record: JSON.parse(JSON.stringify(entry)), end: size });
            if (garbage) {
              // Damage never holds a newline: it is a line of its own between records.
              const bad = Buffer.from(garbage.toString('latin1').replace(/\n/g, ' '), 'latin1');
              parts.push(bad, Buffer.from('\n'));
              size += bad.length + 1;
            }
          }
          let bytes = Buffer.concat(parts);
          if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
          writeFileSync(file, bytes);
          const { records, warnings } = readSessionLog(file);
          // Every record whose whole line (with its newline) made it into the file.
          const expected = intact.filter((i) => i.end <= bytes.length).map((i) => i.record);
          let at = 0;
          for (const record of records) {
            if (at < expected.length && isDeepEqual(record, expected[at])) at++;
          }
          assert.equal(at, expected.length, `${expected.length - at} intact records lost`);
          const lines = bytes
            .toString('utf8')
            .split('\n')
            .filter((line) => line.trim() !== '');
          assert.equal(records.length + warnings.length, lines.length);
        },
      ),
      runs(LOG_RUNS),
    );
  });
});

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}
