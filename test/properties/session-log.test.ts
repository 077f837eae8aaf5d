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
import { readSessionLog, SessionLogError } from '../../source/session/read-log.js';
import { runs } from './runs.js';

export const LOG_RUNS = 300;

const dir = mkdtempSync(join(tmpdir(), 'nebula-log-props-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Records of types the reader does not check, with anything in them. */
const loose = fc.record({
  type: fc.constantFrom('action', 'x', 'segment', 'note'),
  step: fc.nat(),
  value: fc.jsonValue({ maxDepth: 3 }),
  text: fc.string(),
});

const invocation = fc.record({
  type: fc.constant('invocation'),
  experiment: fc.string(),
  cell: fc.string(),
  step: fc.nat(),
  repetition: fc.nat(),
  warmup: fc.boolean(),
  at: fc.nat(),
  outputBytes: fc.nat(),
  function: fc.string(),
  runtime: fc.constantFrom('wasm', 'wasm-p1', 'container'),
  mode: fc.constantFrom('cold', 'warm'),
  input: fc.string(),
  ok: fc.boolean(),
  output: fc.string(),
  error: fc.constant(null),
  failure: fc.constant(null),
  exitCode: fc.integer({ min: 0, max: 255 }),
  stderr: fc.string(),
  timings: fc.record({
    startupMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
    execMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
    teardownMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
    totalMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
  }),
  acceptedAtNs: fc.bigInt({ min: 0n, max: 2n ** 62n }).map(String),
});

const header = fc.record({
  type: fc.constant('header'),
  profile: fc.string(),
  startedAt: fc.nat(),
  machine: fc.record({ hostname: fc.string(), os: fc.string(), arch: fc.string() }),
});

const record = fc.oneof(loose, invocation, header);

/** A field a report reads, removed or made a number no clock gives. */
const spoil = fc.oneof(
  fc.record({
    kind: fc.constant('invocation' as const),
    field: fc.constantFrom('experiment', 'function', 'runtime', 'input'),
    value: fc.constantFrom(undefined, null, 7, true),
  }),
  fc.record({
    kind: fc.constant('invocation' as const),
    field: fc.constantFrom('ok', 'timings'),
    value: fc.constantFrom(undefined, null, 7, 'yes'),
  }),
  fc.record({
    kind: fc.constant('timing' as const),
    field: fc.constantFrom('startupMs', 'totalMs'),
    value: fc.constantFrom(undefined, Number.NaN, 1e308, -1e308, -1, 'NaN', Infinity),
  }),
  // Compute and teardown may be null, unknown (a function that marks nothing): NaN and
  // Infinity, which JSON writes as null, read as that.
  fc.record({
    kind: fc.constant('timing' as const),
    field: fc.constantFrom('execMs', 'teardownMs'),
    value: fc.constantFrom(undefined, 1e308, -1e308, -1, 'NaN'),
  }),
  fc.record({
    kind: fc.constant('header' as const),
    field: fc.constantFrom('profile', 'machine'),
    value: fc.constantFrom(undefined, null, 3),
  }),
);

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

describe('the session log reader on incomplete records', () => {
  it(`refuses a record missing what reports read, or with an impossible number, naming its line (${LOG_RUNS} cases)`, () => {
    const file = join(dir, 'incomplete.jsonl');
    fc.assert(
      fc.property(
        fc.array(fc.oneof(loose, invocation), { maxLength: 10 }),
        invocation,
        header,
        spoil,
        (before, inv, head, how) => {
          let bad: Record<string, unknown>;
          if (how.kind === 'header') bad = { ...head, [how.field]: how.value };
          else if (how.kind === 'invocation') bad = { ...inv, [how.field]: how.value };
          else bad = { ...inv, timings: { ...inv.timings, [how.field]: how.value } };
          // JSON has no undefined, NaN or Infinity: they arrive missing, or as null.
          const lines = [...before, bad, inv].map((r) => JSON.stringify(r));
          writeFileSync(file, `${lines.join('\n')}\n`);
          const line = before.length + 1;
          assert.throws(
            () => readSessionLog(file),
            (error: Error) =>
              error instanceof SessionLogError &&
              error.message.startsWith(`${file}:${line}: a "${bad.type}" record whose `),
          );
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
