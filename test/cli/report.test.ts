import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));
const real = join(fixtures, 'session-real.jsonl');
const variants = join(fixtures, 'session-variants.jsonl');
const nebula = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
const dir = mkdtempSync(join(tmpdir(), 'nebula-report-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('nebula report over several logs', { timeout: 120_000 }, () => {
  it('--format html: one report with both sessions in columns', () => {
    const run = nebula('report', real, variants, '--format', 'html');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^<!doctype html>/);
    const head = run.stdout.slice(run.stdout.indexOf('id="shared-1"'));
    const firstRow = head.slice(0, head.indexOf('</tr>'));
    assert.match(firstRow, /<th>local @ [^<]+<\/th><th>edge @ [^<]+<\/th>/);
    assert.match(run.stdout, /id="s1"[\s\S]*id="s2"/);
  });

  it('markdown: the side-by-side table first, then each session under its name', () => {
    const run = nebula('report', real, variants);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^# Sessions side by side/);
    assert.match(run.stdout, /\n# local @ [^\n]+\n[\s\S]*\n# edge @ /);
  });

  it('refuses an incomplete record or an impossible timing naming its line, exit 2', () => {
    const lines = readFileSync(real, 'utf8').trimEnd().split('\n');
    const invocation = JSON.parse(lines.find((l) => l.includes('"type":"invocation"')) ?? '{}');
    for (const [bad, why] of [
      ['{"type":"header"}', /:3: a "header" record whose "profile" is missing/],
      ['{"type":"invocation"}', /:3: a "invocation" record whose "experiment" is missing/],
      [
        JSON.stringify({ ...invocation, timings: { ...invocation.timings, totalMs: 1e308 } }),
        /:3: a "invocation" record whose timings\.totalMs is 1e\+308, not a time in ms/,
      ],
      [
        JSON.stringify({ ...invocation, timings: { ...invocation.timings, startupMs: -1e308 } }),
        /:3: .*timings\.startupMs is -1e\+308/,
      ],
      [
        JSON.stringify({
          ...invocation,
          timings: { startupMs: 'NaN', execMs: 'NaN', teardownMs: 'NaN', totalMs: 'NaN' },
        }),
        /:3: .*timings\.startupMs is "NaN"/,
      ],
    ] as const) {
      const path = join(dir, 'bad.jsonl');
      writeFileSync(path, [...lines.slice(0, 2), bad, ...lines.slice(2)].join('\n'));
      const run = nebula('report', path);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, why);
      assert.doesNotMatch(run.stderr, /TypeError|at .*\.js:/);
      assert.equal(run.stdout, '');
    }
  });

  it('refuses the same log twice with a usage error', () => {
    const run = nebula('report', real, real);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /same file as .*name each log once/);
    assert.equal(run.stdout, '');
  });

  it('--figures writes every figure of every session', () => {
    const out = join(dir, 'figures');
    const run = nebula('report', real, variants, '--figures', out, '--format', 'json');
    assert.equal(run.status, 0, run.stderr);
    const json = JSON.parse(run.stdout) as {
      sessions: unknown[];
      sideBySide: { sessions: string[] };
    };
    assert.equal(json.sessions.length, 2);
    const folders = readdirSync(out).sort();
    assert.equal(folders.length, 2);
    for (const folder of folders) {
      const svgs = readdirSync(join(out, folder)).filter((name) => name.endsWith('.svg'));
      assert.ok(svgs.length >= 3, `${folder}: ${svgs.join(', ')}`);
    }
  });

  it('csv over two logs names the session on every row', () => {
    const run = nebula('report', real, variants, '--format', 'csv');
    assert.equal(run.status, 0, run.stderr);
    const [head, ...rows] = run.stdout.trimEnd().split('\n');
    assert.match(head ?? '', /^session,experiment,/);
    assert.ok(rows.every((row) => /^(local|edge) @ /.test(row)));
    // Variants and peak memory are columns of their own.
    assert.ok(
      rows.some((row) => /,net=none,\d+,cgroup-v[12],/.test(row)),
      'a net=none row with its peak',
    );
    assert.ok(rows.some((row) => /,load=precompiled,\d+,wasm-linear,\d+$/.test(row)));
  });

  it('a figures folder that cannot be made is a usage error, at once', () => {
    const run = nebula('report', real, '--figures', '/proc/nebula-no-such-folder');
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /cannot write figures into \/proc\/nebula-no-such-folder/);
  });

  it('an unknown format or a missing log is a usage error', () => {
    assert.equal(nebula('report', real, '--format', 'pdf').status, 2);
    const missing = nebula('report', join(dir, 'nope.jsonl'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such file/);
  });
});
