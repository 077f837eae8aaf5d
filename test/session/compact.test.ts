/**
 * The compact log (format 2) against the whole records of format 1: the same records come
 * back, an old log and its compact and compressed copies give the same report, and a
 * compressed log is readable within a second of being written.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { renderJsonReport, renderMarkdownReport } from '../../source/report/document.js';
import { loadSessions } from '../../source/report/sessions.js';
import { MAX_LINE_BYTES, readSessionLog, streamSessionLog } from '../../source/session/read-log.js';
import { FLUSH_MS, SessionLog } from '../../source/session/session-log.js';

const dir = mkdtempSync(join(tmpdir(), 'nebula-compact-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fixtures = new URL('../../../test/fixtures/', import.meta.url).pathname;
const FIXTURES = [
  'session-real.jsonl',
  'session-energy.jsonl',
  'session-golden.jsonl',
  'session-variants.jsonl',
  'session-phases.jsonl',
];

let copies = 0;
function copy(name: string, suffix: string): string {
  const path = join(dir, `${copies++}-${name}.${suffix}`);
  const log = SessionLog.open(path);
  for (const record of readSessionLog(join(fixtures, name)).records) log.append(record);
  log.close();
  return path;
}

/** Timings a format 1 record had as null read back as absent: the same for every report. */
function normal(records: unknown[]): unknown {
  return JSON.parse(JSON.stringify(records));
}

describe('the compact session log', () => {
  for (const name of FIXTURES) {
    it(`gives back every record of ${name}, plain and compressed`, () => {
      const old = readSessionLog(join(fixtures, name)).records;
      for (const suffix of ['jsonl', 'jsonl.gz']) {
        const again = readSessionLog(copy(name, suffix));
        assert.deepEqual(again.warnings, []);
        assert.deepEqual(normal(again.records), normal(old));
      }
    });

    it(`reports ${name} the same from the old log and from its compact copies`, async () => {
      const original = join(fixtures, name);
      const [plain, gz] = [copy(name, 'jsonl'), copy(name, 'jsonl.gz')];
      for (const render of [renderMarkdownReport, renderJsonReport]) {
        const expected = render(await loadSessions([original]));
        for (const path of [plain, gz]) {
          const text = render(await loadSessions([path])).replaceAll(path, original);
          assert.equal(text, expected, `${render.name} of ${path}`);
        }
      }
    });
  }

  it('a compressed log reads back what was appended within a flush interval, before close', async () => {
    const path = join(dir, 'live.jsonl.gz');
    const log = SessionLog.open(path);
    log.append({ type: 'note', text: 'written while running' });
    const deadline = Date.now() + 20 * FLUSH_MS;
    let seen: unknown[] = [];
    while (seen.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, FLUSH_MS / 4));
      seen = readSessionLog(path).records;
    }
    log.close();
    assert.deepEqual(seen, [{ type: 'note', text: 'written while running' }]);
  });

  it('skips a line longer than any record without holding it, and reads on', async () => {
    const path = join(dir, 'huge-line.jsonl');
    const huge = Buffer.alloc(MAX_LINE_BYTES + 10, 0x61);
    writeFileSync(
      path,
      Buffer.concat([
        Buffer.from('{"type":"note","n":1}\n'),
        huge,
        Buffer.from('\n{"type":"note","n":2}\n'),
      ]),
    );
    const records: unknown[] = [];
    const warnings = await streamSessionLog(path, (record) => {
      records.push(record);
    });
    assert.deepEqual(records, [
      { type: 'note', n: 1 },
      { type: 'note', n: 2 },
    ]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /:2: skipped a line of \d+ bytes/);
    assert.ok(readFileSync(path).length > MAX_LINE_BYTES);
  });
});
