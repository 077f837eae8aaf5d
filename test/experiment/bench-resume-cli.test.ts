/**
 * `nebula bench --plan FILE` killed with SIGKILL partway (waited for by reading its log),
 * then `nebula bench --resume LOG`: on the real container and Wasm runtimes of a real Docker
 * engine, the resumed log reports the cells and counts of an uninterrupted run of the same
 * plan, says where it was resumed, and reports exactly as the same log with its break taken
 * out by hand (the resume record, the torn line, the invocations it dropped).
 */
import assert from 'node:assert/strict';
import {
  appendFileSync,
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ResumeRecord } from '../../source/session/breaks.js';
import { CompactDecoder } from '../../source/session/compact.js';
import { readSessionLog } from '../../source/session/read-log.js';
import type { AnyRecord } from '../../source/session/records.js';
import { containersLabelled, engineClient, requireEngine } from '../container/helpers.js';
import { CRASH, nebula, until } from '../faults/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nebula-bench-resume-'));
const env = { ...process.env, NEBULA_LOGS_DIR: dir };
const killedPids: number[] = [];
let spareText = '';

// 3 groups (inputs) of 2 runtimes x (1 warm-up + 2 measured): 6 invocations each, 18 in all.
const GROUP = 6;
const plan = {
  nebulaPlan: 1,
  name: 'resume-small',
  mode: 'cold',
  repetitions: 2,
  warmup: 1,
  runtimes: ['container', 'wasm'],
  functions: [{ name: 'prime-number', inputs: ['10', '20', '30'] }],
};
const planPath = join(dir, 'plan.json');
writeFileSync(planPath, JSON.stringify(plan));

/** Invocations the log holds now (a line being written is not one yet). */
function logged(path: string): number {
  try {
    return readSessionLog(path).records.filter((r) => r.type === 'invocation').length;
  } catch {
    return 0;
  }
}

async function run(args: string[]) {
  const end = await nebula(args, env).done;
  assert.doesNotMatch(end.stderr, CRASH);
  return end;
}

interface JsonReport {
  measured: number;
  warmups: number;
  sections: Array<{
    experiments: Array<{
      experiment: string;
      results: Array<{
        function: string;
        runtime: string;
        input: string;
        n: number;
        failures: number;
      }>;
      comparisons: Array<{ function: string; input: string; mode: string }>;
      resumed?: Array<{ kept: number; dropped: number; tornLine: number | null }>;
    }>;
  }>;
}

async function report(path: string, ...more: string[]) {
  const end = await run(['report', path, ...more]);
  assert.equal(end.code, 0, end.stderr);
  assert.doesNotMatch(end.stderr, /warning/, 'a resumed log reads without warnings');
  return end.stdout;
}

/**
 * The log with its break taken out, read line by line without the break filter: the resume
 * record, the line the kill tore, and the invocations the resume says it dropped; written
 * back as whole records.
 */
function withoutBreak(path: string): string {
  const decoder = new CompactDecoder();
  const lines = readFileSync(path, 'utf8').split('\n');
  const records: AnyRecord[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // the torn line
    }
    const record = decoder.decode(value);
    if (record === null || typeof record === 'string') continue;
    if (record.type === 'resume') {
      const { experiment, fromStep } = record as unknown as ResumeRecord;
      const keep = records.filter(
        (r) =>
          !(
            r.type === 'invocation' &&
            r.experiment === experiment &&
            (r.step as number) >= fromStep
          ),
      );
      records.splice(0, records.length, ...keep);
      continue;
    }
    records.push(record);
  }
  const out = join(dir, 'without-break.jsonl');
  writeFileSync(out, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return out;
}

const cellsOf = (r: JsonReport) =>
  r.sections.flatMap((s) =>
    s.experiments.flatMap((e) =>
      e.results.map((c) => `${c.function}/${c.runtime}/${c.input}: n ${c.n}, failed ${c.failures}`),
    ),
  );

before(async () => {
  await requireEngine();
  const deployed = await run(['deploy', 'prime-number', '--runtime', 'all']);
  assert.equal(deployed.code, 0, deployed.stderr);
});

after(async () => {
  // Containers a killed bench was running when it died.
  const left = await containersLabelled(engineClient(), 'nebula', '1');
  for (const info of left) {
    const owner = Number(info.Labels['nebula.owner']?.split(':')[4]);
    if (killedPids.includes(owner)) {
      await engineClient()
        .getContainer(info.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('nebula bench --resume after SIGKILL', { timeout: 300_000 }, () => {
  const killed = join(dir, 'killed.jsonl');
  const spare = join(dir, 'killed-spare.jsonl');
  let kept = 0;
  let dropped = 0;

  it('a run killed partway goes on from its log and reports as an uninterrupted run', async () => {
    const bench = nebula(['bench', '--plan', planPath, '--log', killed, '--json'], env);
    // Into the second group, by what the log holds: not by time.
    await until(
      () => logged(killed) >= GROUP + 2,
      () => `${GROUP + 2} invocations in the log: ${bench.stderr()}`,
      120_000,
    );
    bench.child.kill('SIGKILL');
    killedPids.push(bench.child.pid as number);
    const end = await bench.done;
    assert.equal(end.signal, 'SIGKILL');
    const before = logged(killed);
    assert.ok(before >= GROUP + 2 && before < 3 * GROUP, `${before} invocations logged`);
    kept = before - (before % GROUP);
    dropped = before % GROUP;
    // The line a kill tears while it is written.
    appendFileSync(killed, '["i",2,1,0,0,');
    copyFileSync(killed, spare);
    spareText = readFileSync(spare, 'utf8');

    const resumed = await run(['bench', '--resume', killed, '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(
      resumed.stderr,
      new RegExp(
        `resuming exp-\\S+ from ${killed}: ${kept} of 18 invocations kept; ${dropped > 0 ? `${dropped} of a half-finished group` : 'no half-finished group'}.*torn by the stop, skipped; ${18 - kept} to run`,
      ),
    );
    // What it prints is the whole experiment: every cell with its measured invocations.
    const printed = JSON.parse(resumed.stdout) as { results: Array<{ n: number }> };
    assert.deepEqual(
      printed.results.map((r) => r.n),
      [2, 2, 2, 2, 2, 2],
    );

    const whole = join(dir, 'whole.jsonl');
    const uninterrupted = await run(['bench', '--plan', planPath, '--log', whole, '--json']);
    assert.equal(uninterrupted.code, 0, uninterrupted.stderr);

    const got = JSON.parse(await report(killed, '--format', 'json')) as JsonReport;
    const want = JSON.parse(await report(whole, '--format', 'json')) as JsonReport;
    assert.equal(got.sections.length, 1);
    assert.equal(got.sections[0]?.experiments.length, 1, 'one experiment, not two');
    assert.deepEqual(cellsOf(got), cellsOf(want));
    assert.equal(got.measured, want.measured);
    assert.equal(got.warmups, want.warmups);
    const comparisons = (r: JsonReport) =>
      r.sections[0]?.experiments[0]?.comparisons.map((c) => `${c.function}/${c.input}/${c.mode}`);
    assert.deepEqual(comparisons(got), comparisons(want));
    const breaks = got.sections[0]?.experiments[0]?.resumed ?? [];
    assert.deepEqual(
      breaks.map((b) => [b.kept, b.dropped, typeof b.tornLine]),
      [[kept, dropped, 'number']],
    );
    const markdown = await report(killed);
    assert.match(
      markdown,
      new RegExp(`- Resumed \\S+Z after a break of .*: ${kept} invocations kept from before`),
    );

    // Every figure of the resumed log is the same log's without its break.
    const plain = withoutBreak(killed);
    const { sections, ...rest } = got;
    const same = JSON.parse(await report(plain, '--format', 'json')) as JsonReport;
    assert.deepEqual(
      {
        ...rest,
        sections: sections.map((s) => ({
          ...s,
          experiments: s.experiments.map(({ resumed: _r, ...e }) => e),
        })),
      },
      same,
    );
    // The break's line is the experiment's last (after its driver's): without it, the same.
    assert.equal(markdown.replace(/- Resumed [^\n]*\n/, ''), await report(plain));
    assert.equal(await report(killed, '--thesis'), await report(plain, '--thesis'));
    assert.equal(await report(killed, '--format', 'csv'), await report(plain, '--format', 'csv'));
    assert.match(await report(killed, '--format', 'html'), /<li>exp-\S+: Resumed /);
    const figures = join(dir, 'figures');
    const plainFigures = join(dir, 'plain-figures');
    await report(killed, '--figures', figures);
    await report(plain, '--figures', plainFigures);
    const specs = (d: string) =>
      readdirSync(d)
        .filter((f) => f.endsWith('.vl.json'))
        .sort()
        .map((f) => readFileSync(join(d, f), 'utf8'));
    assert.ok(specs(figures).length > 0);
    assert.deepEqual(specs(figures), specs(plainFigures));
  });

  it('refuses a finished log, saying how to report it', async () => {
    const end = await run(['bench', '--resume', killed]);
    assert.equal(end.code, 2, end.stderr);
    assert.match(
      end.stderr,
      /finished; there is nothing to resume: report it with `nebula report /,
    );
  });

  it('refuses a --plan that differs from the logged one, and flags that change the plan', async () => {
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ ...plan, repetitions: 3 }));
    const mismatch = await run(['bench', '--resume', spare, '--plan', other]);
    assert.equal(mismatch.code, 2, mismatch.stderr);
    assert.match(
      mismatch.stderr,
      /other\.json is not the plan the log holds \(repetitions: the log's 2, the file's 3\)/,
    );
    const flags = await run(['bench', '--resume', spare, '-n', '3', '--runtimes', 'wasm']);
    assert.equal(flags.code, 2);
    assert.match(flags.stderr, /--runtimes, -n: --resume goes on with the plan its log holds/);
    // Nothing was run or written by a refusal.
    assert.equal(readFileSync(spare, 'utf8'), spareText);
  });

  it('refuses a log written on another machine, naming what differs', async () => {
    const lines = readFileSync(spare, 'utf8').split('\n');
    const header = JSON.parse(lines[0] as string);
    header.machine.hostname = 'another-machine';
    const moved = join(dir, 'moved.jsonl');
    writeFileSync(moved, [JSON.stringify(header), ...lines.slice(1)].join('\n'));
    const end = await run(['bench', '--resume', moved]);
    assert.equal(end.code, 2, end.stderr);
    assert.match(
      end.stderr,
      /host: another-machine in the log, \S+ here.*resume it where and as it ran/,
    );
  });

  it('with the same --plan it goes on', async () => {
    const end = await run(['bench', '--resume', spare, '--plan', planPath, '--json']);
    assert.equal(end.code, 0, end.stderr);
    const printed = JSON.parse(end.stdout) as { results: Array<{ n: number }> };
    assert.equal(printed.results.length, 6);
  });
});
