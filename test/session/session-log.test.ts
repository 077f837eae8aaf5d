import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseSessionLog, readSessionLog } from '../../source/session/read-log.js';
import { SessionLog } from '../../source/session/session-log.js';

const dir = mkdtempSync(join(tmpdir(), 'nebula-log-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const invocation = (step: number) => ({
  type: 'invocation',
  experiment: 'e',
  cell: 'hello/wasm/cold/""',
  step,
  repetition: step,
  warmup: false,
  at: 1,
  outputBytes: 0,
  function: 'hello',
  runtime: 'wasm',
  mode: 'cold',
  input: '',
  ok: true,
  output: '',
  error: null,
  failure: null,
  exitCode: 0,
  stderr: '',
  timings: { startupMs: 1, execMs: 1, teardownMs: 1, totalMs: 3 },
  acceptedAtNs: '5',
});

describe('session log', { timeout: 10000 }, () => {
  it('creates logs/<time>-<profile>.jsonl and reads back every record in order', () => {
    const log = SessionLog.create('pi zero', { dir, startedAt: Date.UTC(2025, 0, 2, 3, 4, 5) });
    assert.equal(basename(log.path), '2025-01-02T03-04-05Z-pi_zero.jsonl');
    log.append({ type: 'header', profile: 'pi', machine: { hostname: 'pi-1' } });
    for (let i = 0; i < 3; i++) log.append(invocation(i));
    log.append({ type: 'power', at: 2, watts: 3.5 });
    log.close();
    const { records, warnings } = readSessionLog(log.path);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      records.map((r) => r.type),
      ['header', 'invocation', 'invocation', 'invocation', 'power'],
    );
    assert.deepEqual(records[4], { type: 'power', at: 2, watts: 3.5 }, 'unknown types are kept');
    assert.throws(() => log.append({ type: 'x' }), /is closed/);
  });

  it('skips a torn last line with a warning that says so', () => {
    const text = `${JSON.stringify(invocation(0))}\n${JSON.stringify(invocation(1)).slice(0, 40)}`;
    const { records, warnings } = parseSessionLog(text, 'run.jsonl');
    assert.equal(records.length, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /^run\.jsonl:2: skipped a torn last line/);
  });

  it('skips a damaged line in the middle, naming its line, and keeps the rest', () => {
    const text = [
      '{"type":"note"}',
      'garbage',
      '[1,2]',
      '{"no":"type"}',
      '{"type":"segment"}',
      '',
    ].join('\n');
    const { records, warnings } = parseSessionLog(text, 'x');
    assert.equal(records.length, 2);
    assert.deepEqual(
      warnings.map((w) => w.split(':')[1]),
      ['2', '3', '4'],
    );
    assert.ok(warnings.every((w) => w.includes('not a JSON record')));
  });

  it('refuses a record that lacks what reports read, naming its line', () => {
    for (const [bad, why] of [
      ['{"type":"header"}', /x:2: a "header" record whose "profile" is missing, not a string/],
      ['{"type":"invocation"}', /x:2: a "invocation" record whose "experiment" is missing/],
      [
        JSON.stringify({ ...invocation(0), timings: { startupMs: 1, execMs: 1, teardownMs: 1 } }),
        /x:2: a "invocation" record whose timings\.totalMs is missing/,
      ],
      [
        JSON.stringify({ ...invocation(0), timings: { ...invocation(0).timings, totalMs: 1e308 } }),
        /x:2: .*timings\.totalMs is 1e\+308, not a time in ms from 0 to/,
      ],
      [
        JSON.stringify({ ...invocation(0), timings: { ...invocation(0).timings, execMs: 'NaN' } }),
        /x:2: .*timings\.execMs is "NaN"/,
      ],
    ] as const) {
      const text = ['{"type":"note"}', bad, '{"type":"note"}', ''].join('\n');
      assert.throws(() => parseSessionLog(text, 'x'), why);
    }
  });

  it('appending to a log with a torn last line starts on a new line', () => {
    const path = join(dir, 'torn.jsonl');
    writeFileSync(path, `${JSON.stringify(invocation(0))}\n{"type":"invoc`);
    const log = SessionLog.open(path);
    log.append(invocation(1));
    log.close();
    const { records, warnings } = readSessionLog(path);
    assert.deepEqual(
      records.map((r) => (r as { step?: number }).step),
      [0, 1],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /torn\.jsonl:2: skipped a line/);
  });

  it('appending to a clean log adds no blank line', () => {
    const path = join(dir, 'clean.jsonl');
    appendFileSync(path, `${JSON.stringify(invocation(0))}\n`);
    const log = SessionLog.open(path);
    log.append(invocation(1));
    log.close();
    const text = readFileSync(path, 'utf8');
    assert.ok(text.endsWith('\n') && !text.includes('\n\n'), 'no blank line');
    assert.deepEqual(
      readSessionLog(path).records.map((r) => (r as { step?: number }).step),
      [0, 1],
    );
  });

  it('creates missing folders, and says when it cannot (no endless retry under /proc)', () => {
    const nested = SessionLog.open(join(dir, 'a', 'b', 'run.jsonl'));
    nested.close();
    assert.throws(
      () => SessionLog.open('/proc/nebula-none/run.jsonl'),
      /cannot open session log \/proc\/nebula-none\/run\.jsonl: ENOENT/,
    );
  });

  it('a file none of whose lines is a record is refused as not a session log', () => {
    const path = join(dir, 'passwd-like.txt');
    writeFileSync(path, 'root:x:0:0:root:/root:/bin/bash\n{"no":"type"}\n');
    assert.throws(
      () => readSessionLog(path),
      /passwd-like\.txt is not a Nebula session log: none of its 2 lines is a JSON record/,
    );
    // One torn line alone is a log whose writer died mid-record: a warning, not a refusal.
    writeFileSync(path, '{"type":"hea');
    assert.deepEqual(readSessionLog(path).records, []);
  });

  it('a missing file is a clear error', () => {
    assert.throws(
      () => readSessionLog(join(dir, 'nope.jsonl')),
      /cannot read session log .*nope\.jsonl: no such file/,
    );
  });
});
