/**
 * `nebula report --thesis`: the thesis's tables from three small real logs of this machine
 * (fibonacci-recursive at 10 and 31, prime-number at 10 and 1510, exponential and factorial at
 * 2 and 20 with energy blocks; cold, wasm and container): golden output, the thesis's
 * exclusions and pooling, the same table whatever the order of the logs, the platform's
 * published figures, and clear refusals.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadSessions, type Session } from '../../source/report/sessions.js';
import { markdownTable } from '../../source/report/table.js';
import { ThesisError, thesisTables } from '../../source/report/thesis-tables.js';
import { assertGolden, fixturesDir } from '../golden.js';

const LOGS = ['fibonacci.jsonl', 'prime.jsonl', 'exponential-factorial-energy.jsonl.gz'].map(
  (name) => join(fixturesDir, 'thesis', name),
);
const NEBULA = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
const run = promisify(execFile);

const text = (sessions: readonly Session[]) =>
  thesisTables(sessions)
    .map((table) => markdownTable(table))
    .join('\n\n');

describe('the thesis tables', { timeout: 60_000 }, () => {
  let sessions: Session[] = [];
  before(async () => {
    sessions = await loadSessions(LOGS);
  });

  it('match the golden output', () => {
    assertGolden('thesis/report.thesis.md.golden', `${text(sessions)}\n`);
  });

  it('pool as the thesis did: cold cells of its functions, its exclusions left out', () => {
    const [table] = thesisTables(sessions);
    assert.ok(table);
    const cells = sessions
      .flatMap((s) => s.cells)
      .filter((c) => c.cell.mode === 'cold')
      .filter((c) => !(c.cell.function === 'fibonacci-recursive' && Number(c.cell.input) > 30))
      .filter((c) => !(c.cell.function === 'prime-number' && Number(c.cell.input) > 1500));
    const meanOfMeans = (runtime: string) => {
      const means = cells
        .filter((c) => c.cell.runtime === runtime)
        .map((c) => c.samples.totalMs.summary().mean as number);
      return means.reduce((a, b) => a + b, 0) / means.length;
    };
    const total = table.rows.find((row) => row[0] === 'total');
    assert.ok(total);
    assert.equal(total[1], `${meanOfMeans('wasm').toPrecision(4)} ms`);
    assert.equal(total[2], `${meanOfMeans('container').toPrecision(4)} ms`);
    assert.equal(total[3], `${(meanOfMeans('container') / meanOfMeans('wasm')).toFixed(1)}×`);
    assert.match(
      table.note ?? '',
      /Left out as the thesis did: 4 cells \(fibonacci-recursive over 30, prime-number over 1500\)/,
    );
  });

  it('give the same table whatever the order of the logs', async () => {
    const reversed = await loadSessions([...LOGS].reverse());
    assert.equal(text(reversed), text(sessions));
  });

  it('compare an arm64 machine with the thesis’s Pi, energy included', async () => {
    const pi = await loadSessions(LOGS);
    for (const session of pi) if (session.header) session.header.machine.arch = 'arm64';
    const [table] = thesisTables(pi);
    assert.ok(table);
    assert.deepEqual(
      table.rows.map((row) => row[5]),
      ['217.0×', '146.0×', '183.0×', '198.0×'],
    );
    assert.match(table.note ?? '', /Raspberry Pi 4B/);
  });

  it('pool one lane a side, variants included, and refuse two lanes of one runtime', async () => {
    const variants = await loadSessions(LOGS);
    // As the thesis-conditions plan runs them: every lane a variant.
    const all = variants.flatMap((s) => s.cells);
    for (const c of all)
      c.cell.variant = c.cell.runtime === 'wasm' ? 'load=precompiled' : 'base=debian';
    const [table] = thesisTables(variants);
    assert.ok(table);
    assert.match(table.note ?? '', /wasm\[load=precompiled\] against container\[base=debian\]/);
    const first = all.find((c) => c.cell.runtime === 'wasm');
    assert.ok(first);
    first.cell.variant = undefined;
    assert.throws(
      () => thesisTables(variants),
      /wasm ran as .* and .*report the logs of each set of variants apart/,
    );
  });

  it('pool prime-number-thesis as the thesis’s prime-number, on its own inputs, and refuse both at once', async () => {
    const sessions = await loadSessions(LOGS);
    const [before] = thesisTables(sessions);
    const all = sessions.flatMap((s) => s.cells);
    for (const c of all) {
      if (c.cell.function === 'prime-number') c.cell.function = 'prime-number-thesis';
    }
    const [table] = thesisTables(sessions);
    assert.ok(before && table);
    // The same cells pooled and the same one left out (its input 1510 is over 1500).
    assert.deepEqual(table.rows, before.rows);
    assert.match(table.note ?? '', /prime-number-thesis over 1500/);
    assert.match(
      table.note ?? '',
      /prime-number ran as prime-number-thesis, on the thesis’s indexing/,
    );
    assert.doesNotMatch(table.note ?? '', /Not in these logs/);
    const one = all.find((c) => c.cell.function === 'prime-number-thesis' && c.cell.input === '10');
    assert.ok(one);
    one.cell.function = 'prime-number';
    assert.throws(
      () => thesisTables(sessions),
      /prime-number and prime-number-thesis both stand for the thesis's prime-number/,
    );
  });

  it('refuse logs without cold Wasm and container runs of the thesis’s functions', async () => {
    const only = await loadSessions([join(fixturesDir, 'session-golden.jsonl')]);
    assert.throws(() => thesisTables(only), ThesisError);
    const failed = await run(process.execPath, [
      NEBULA,
      'report',
      '--thesis',
      join(fixturesDir, 'session-golden.jsonl'),
    ]).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    assert.ok(failed, 'the command fails');
    assert.equal(failed.code, 2);
    assert.match(
      failed.stderr,
      /no cold invocations of the thesis's functions .* --mode cold --runtimes wasm,container/,
    );
    const csv = await run(process.execPath, [
      NEBULA,
      'report',
      '--thesis',
      '--format',
      'csv',
      ...LOGS,
    ]).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(csv?.code, 2);
    assert.match(csv?.stderr ?? '', /--thesis gives markdown or json, not csv/);
  });
});
