import assert from 'node:assert/strict';
import { copyFileSync, linkSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sessionReport } from '../../source/report/document.js';
import { loadSessions } from '../../source/report/sessions.js';
import { sideBySide } from '../../source/report/side-by-side.js';

const fixtures = new URL('../../../test/fixtures/', import.meta.url).pathname;
const real = join(fixtures, 'session-real.jsonl');
const golden = join(fixtures, 'session-golden.jsonl');
const variants = join(fixtures, 'session-variants.jsonl');
const dir = mkdtempSync(join(tmpdir(), 'nebula-sessions-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('several sessions in one report', () => {
  it('refuses the same log twice, however it is named', async () => {
    await assert.rejects(loadSessions([real, real]), /same file as .*name each log once/);
    await assert.rejects(
      loadSessions([real, join(fixtures, '.', 'session-real.jsonl')]),
      /same file/,
    );
    // Linked within one folder (a hard link cannot cross file systems).
    const original = join(dir, 'original.jsonl');
    copyFileSync(real, original);
    const hardLink = join(dir, 'hard-link.jsonl');
    linkSync(original, hardLink);
    await assert.rejects(
      loadSessions([original, hardLink]),
      /hard-link\.jsonl is the same file as/,
    );
  });

  it('names two copies of one session apart and keeps both', async () => {
    const copy = join(dir, 'copy.jsonl');
    copyFileSync(real, copy);
    const sessions = await loadSessions([real, copy]);
    assert.equal(sessions.length, 2);
    assert.notEqual(sessions[0]?.label, sessions[1]?.label);
    assert.match(sessions[1]?.label ?? '', /copy\.jsonl/);
    const model = sideBySide(sessions);
    assert.deepEqual(
      model.sessions,
      sessions.map((s) => s.label),
    );
  });

  it('never pools two sessions: each column is that session’s own median', async () => {
    const sessions = await loadSessions([golden, variants]);
    const model = sideBySide(sessions);
    const hello = model.groups.find((g) => g.title === 'hello' && g.mode === 'cold');
    assert.ok(hello, 'hello appears in both sessions');
    sessions.forEach((session, i) => {
      const own = sessionReport(session)
        .sections.flatMap((s) => s.experiments.flatMap((e) => e.results))
        .filter((r) => !r.variant);
      for (const runtime of ['wasm', 'container']) {
        const mine = own.find((r) => r.runtime === runtime);
        assert.equal(hello.cells[i]?.[runtime]?.startupMs?.median, mine?.stats.startupMs.median);
        assert.equal(hello.cells[i]?.[runtime]?.totalMs?.n, mine?.n);
      }
      assert.ok((hello.ratios[i]?.startupMs?.ratio ?? 0) > 1, 'container starts slower than wasm');
    });
  });
});
