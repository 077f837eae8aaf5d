/**
 * A counted run stopped or killed partway and resumed from its log: the groups it finished
 * are kept, the half-finished one is run again whole, and the log reads as an uninterrupted
 * run's (same cells, same figures) plus the break. Timings here are set by the fake
 * runtime from the cell and its place in it, so an uninterrupted run gives exactly the same
 * figures; the half-finished group's first invocations are given absurd timings, which must
 * not reach any figure.
 */
import assert from 'node:assert/strict';
import {
  appendFileSync,
  mkdtempSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resumeOptions } from '../../source/cli/commands/bench-resume.js';
import type { InvocationResult } from '../../source/core/invocation.js';
import { type Cell, cellKey } from '../../source/core/plan.js';
import { type ExperimentPlan, parseExperimentPlan } from '../../source/measure/plan.js';
import { ResumeError, readResumePoint } from '../../source/measure/resume.js';
import { runExperiment } from '../../source/measure/session.js';
import { buildReport } from '../../source/report/report.js';
import { readSessionLog } from '../../source/session/read-log.js';
import type { AnyRecord } from '../../source/session/records.js';
import { SessionLog } from '../../source/session/session-log.js';
import { fakeResult } from '../experiment/fake-invoke.js';

const dir = mkdtempSync(join(tmpdir(), 'nebula-resume-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Three groups (inputs) of 2 runtimes x (1 warm-up + 3 measured): 8 invocations each, 24 in all.
const plan = parseExperimentPlan({
  functions: [{ name: 'prime-number', inputs: ['1', '2', '3'] }],
  runtimes: ['wasm', 'container'],
  modes: ['cold'],
  warmup: 1,
  repetitions: 3,
});
const GROUP = 8;

const header = {
  type: 'header',
  format: 2,
  startedAt: 1,
  profile: 'test',
  machine: { hostname: 'test-host', os: 'linux', arch: 'x64' },
  cpu: { model: 'cpu', cores: 2 },
  node: process.version,
  nebula: 'test',
  functions: {},
};

/** A runtime whose n-th call of a cell in a process always takes the same time. */
function sitting(poisoned = new Set<string>()) {
  const calls = new Map<string, number>();
  return async (cell: Cell): Promise<InvocationResult> => {
    const key = cellKey(cell);
    const n = calls.get(key) ?? 0;
    calls.set(key, n + 1);
    const base = (cell.runtime === 'container' ? 300 : 5) + Number(cell.input) * 10 + n;
    return fakeResult(cell, poisoned.has(cell.input) ? 1e6 : base);
  };
}

/**
 * Runs the plan into a new log until `stopAfter` invocations were logged: `kill` leaves
 * nothing more in the log (no end record), like SIGKILL; otherwise the run is stopped as a
 * SIGTERM stops it (it logs its end, aborted).
 */
async function interrupted(name: string, stopAfter: number, kill: boolean, plan_ = plan) {
  const path = join(dir, name);
  const log = SessionLog.open(path);
  log.append(header);
  const stop = new AbortController();
  let written = 0;
  let dead = false;
  await runExperiment(plan_, {
    invoke: sitting(new Set(['2'])),
    power: null,
    signal: stop.signal,
    log: (record) => {
      if (dead) return;
      log.append(record);
      if (record.type === 'invocation' && ++written === stopAfter) {
        dead = kill;
        stop.abort();
      }
    },
  });
  log.close();
  return path;
}

async function resume(path: string) {
  const point = await readResumePoint(path);
  const log = SessionLog.open(path);
  const outcome = await runExperiment(point.plan, {
    invoke: sitting(),
    power: null,
    log: (record) => log.append(record),
    resume: resumeOptions(point, Date.now()),
  });
  log.close();
  return { point, outcome };
}

async function uninterrupted(name: string, plan_: ExperimentPlan = plan) {
  const path = join(dir, name);
  const log = SessionLog.open(path);
  log.append(header);
  const outcome = await runExperiment(plan_, {
    invoke: sitting(),
    power: null,
    log: (record) => log.append(record),
  });
  log.close();
  return { path, outcome };
}

/** What must be equal: every experiment's cells, counts and figures, without its id. */
function figures(path: string) {
  const { records, warnings } = readSessionLog(path);
  const report = buildReport(records);
  return {
    warnings,
    measured: report.measured,
    warmups: report.warmups,
    experiments: report.sections.flatMap((s) =>
      s.experiments.map(({ experiment: _id, resumed: _r, ...rest }) => rest),
    ),
    resumed: report.sections.flatMap((s) => s.experiments.flatMap((e) => e.resumed ?? [])),
  };
}

describe('resuming a counted run from its log', { timeout: 30_000 }, () => {
  it('killed mid-group with a torn last line: the group runs again, the report is the whole run', async () => {
    const path = await interrupted('killed.jsonl', GROUP + 3, true);
    appendFileSync(path, '["i",3,1,0,0,'); // the line the kill tore
    const { point, outcome } = await resume(path);
    assert.equal(point.fromStep, GROUP);
    assert.equal(point.kept.length, GROUP);
    assert.equal(point.dropped.length, 3);
    assert.equal(point.remaining, 2 * GROUP);
    assert.ok(point.tornLine !== null);
    const whole = await uninterrupted('whole.jsonl');
    const got = figures(path);
    const want = figures(whole.path);
    assert.deepEqual(got.warnings, [], 'the torn line the resume names is not damage');
    assert.deepEqual(got.experiments, want.experiments);
    assert.equal(got.measured, want.measured);
    assert.equal(got.warmups, want.warmups);
    assert.equal(got.resumed.length, 1);
    assert.equal(got.resumed[0]?.kept, GROUP);
    assert.equal(got.resumed[0]?.dropped, 3);
    assert.equal(got.resumed[0]?.tornLine, point.tornLine);
    // What bench prints after the resume is the whole experiment too.
    assert.deepEqual(outcome.results, whole.outcome.results);
    assert.equal(outcome.invocations, 3 * GROUP);
    assert.equal(outcome.aborted, false);
    await assert.rejects(readResumePoint(path), /finished; there is nothing to resume/);
  });

  it('stopped (its end logged, aborted) and resumed twice: still the whole run', async () => {
    const path = await interrupted('stopped.jsonl', GROUP + 5, false);
    const records = readSessionLog(path).records;
    assert.equal(records.at(-1)?.type, 'experiment-end');
    const first = await readResumePoint(path);
    assert.equal(first.fromStep, GROUP);
    assert.equal(first.dropped.length, 5);
    // Killed again in the middle of the third group, after the second finished.
    const log = SessionLog.open(path);
    const stop = new AbortController();
    let written = 0;
    await runExperiment(first.plan, {
      invoke: sitting(new Set(['3'])),
      power: null,
      signal: stop.signal,
      log: (record: AnyRecord) => {
        if (stop.signal.aborted) return;
        log.append(record);
        if (record.type === 'invocation' && ++written === GROUP + 2) stop.abort();
      },
      resume: resumeOptions(first, Date.now()),
    });
    log.close();
    const { point } = await resume(path);
    assert.equal(point.fromStep, 2 * GROUP);
    assert.equal(point.dropped.length, 2);
    const got = figures(path);
    assert.deepEqual(
      got.experiments,
      figures((await uninterrupted('whole2.jsonl')).path).experiments,
    );
    assert.deepEqual(
      got.resumed.map((b) => [b.kept, b.dropped]),
      [
        [GROUP, 5],
        [2 * GROUP, 2],
      ],
    );
  });

  it('killed just after a group ended: nothing is dropped, the next group follows', async () => {
    const path = await interrupted('between.jsonl', GROUP, true);
    const { point } = await resume(path);
    assert.equal(point.fromStep, GROUP);
    assert.equal(point.dropped.length, 0);
    const got = figures(path);
    assert.deepEqual(
      got.experiments,
      figures((await uninterrupted('whole3.jsonl')).path).experiments,
    );
  });

  it('a compressed log goes on the same way; one cut mid-block is refused with the way out', async () => {
    const path = await interrupted('killed.jsonl.gz', GROUP + 3, true);
    const { point } = await resume(path);
    assert.equal(point.dropped.length, 3);
    const got = figures(path);
    assert.deepEqual(got.warnings, []);
    assert.deepEqual(
      got.experiments,
      figures((await uninterrupted('whole-gz.jsonl')).path).experiments,
    );
    // Cut in its trailer (the data all there), and in the middle of its compressed data.
    for (const bytes of [8, 100]) {
      const cut = await interrupted(`cut-${bytes}.jsonl.gz`, GROUP + 3, true);
      truncateSync(cut, statSync(cut).size - bytes);
      await assert.rejects(
        readResumePoint(cut),
        /the compressed log ends mid-block.*gzip -dc .*cut-\d+\.jsonl\.gz > run\.jsonl/,
      );
    }
  });

  it('a killed run not resumed reads as it did: the group it was in counts', async () => {
    const path = await interrupted('left.jsonl', GROUP + 3, true);
    const { records } = readSessionLog(path);
    const invocations = records.filter((r) => r.type === 'invocation');
    assert.equal(invocations.length, GROUP + 3);
    assert.deepEqual(
      invocations.map((r) => (r as { step: number }).step),
      Array.from({ length: GROUP + 3 }, (_, i) => i),
    );
  });

  it('refuses what cannot be resumed, saying what to do', async () => {
    const notLog = join(dir, 'notes.txt');
    writeFileSync(notLog, 'just some text\nand more\n');
    await assert.rejects(readResumePoint(notLog), (error: Error) => {
      assert.ok(error instanceof ResumeError);
      assert.match(error.message, /not a Nebula session log.*--resume takes the session log/);
      return true;
    });
    await assert.rejects(readResumePoint(join(dir, 'nowhere.jsonl')), /no such file/);
    const noExperiment = join(dir, 'invocations.jsonl');
    const log = SessionLog.open(noExperiment);
    log.append(header);
    log.close();
    await assert.rejects(readResumePoint(noExperiment), /holds no experiment.*run `nebula bench`/);
    const whole = await uninterrupted('finished.jsonl');
    await assert.rejects(
      readResumePoint(whole.path),
      /finished; there is nothing to resume: report it with `nebula report/,
    );
    const energy = join(dir, 'energy.jsonl');
    writeFileSync(
      energy,
      `${[
        JSON.stringify(header),
        JSON.stringify({
          type: 'experiment',
          experiment: 'e1',
          at: 1,
          plan: parseExperimentPlan({ ...plan, energy: { blocks: 2 } }),
          power: null,
        }),
      ].join('\n')}\n`,
    );
    await assert.rejects(
      readResumePoint(energy),
      /measures energy by blocks of time.*run the plan again/,
    );
  });

  it('refuses a log whose invocations do not follow its plan', async () => {
    const path = await interrupted('odd.jsonl', 4, true);
    const { records } = readSessionLog(path);
    const swapped = records.map((r) =>
      r.type === 'invocation' && (r as { step: number }).step === 1 ? { ...r, step: 7 } : r,
    );
    const odd = join(dir, 'odd-swapped.jsonl');
    writeFileSync(odd, `${swapped.map((r) => JSON.stringify(r)).join('\n')}\n`);
    await assert.rejects(
      readResumePoint(odd),
      /invocation 2 of its experiment is step 7.*does not follow its plan/,
    );
  });
});
