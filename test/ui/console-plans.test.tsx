/**
 * The console's plan picker (`f`), driven by keys: the plan files with their counts, thinned,
 * a bad one with its error, a small plan run on the real Wasm runtime and Docker engine
 * through the session (its log as bench writes it, its report in `r`), and x stopping one (a stray Esc does not).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { Engine } from '../../source/engine/engine.js';
import { type Harness, KEYS, startConsole } from './console-harness.js';

const plansDir = mkdtempSync(join(tmpdir(), 'nebula-console-plans-'));
const previous = process.env.NEBULA_PLANS_DIR;
process.env.NEBULA_PLANS_DIR = plansDir;

const tiny = {
  nebulaPlan: 1,
  name: 'tiny',
  description: 'Two functions, a few inputs.\nA second line the picker leaves out.',
  runtimes: ['wasm-p1', 'container'],
  mode: 'cold',
  repetitions: 2,
  warmup: 0,
  functions: [
    { name: 'prime-number', inputs: { from: 1, to: 5, step: 2 } },
    { name: 'as-prime-number', inputs: ['7'] },
  ],
};
// Sorted by file name in the user's folder: broken, long, tiny (after the repository's two).
writeFileSync(join(plansDir, 'tiny.json'), JSON.stringify(tiny));
writeFileSync(
  join(plansDir, 'broken.json'),
  JSON.stringify({ ...tiny, name: 'broken', repetitions: 0 }),
);
writeFileSync(
  join(plansDir, 'long.json'),
  JSON.stringify({
    ...tiny,
    name: 'long',
    runtimes: ['wasm-p1'],
    functions: [{ name: 'prime-number', inputs: { from: 0, to: 900 } }],
  }),
);
const BROKEN = 'jj';
const LONG = 'jjj';
const TINY = 'jjjj';

let console_: Harness | null = null;
afterEach(async () => {
  await console_?.dispose();
  console_ = null;
});
after(() => {
  rmSync(plansDir, { recursive: true, force: true });
  if (previous === undefined) delete process.env.NEBULA_PLANS_DIR;
  else process.env.NEBULA_PLANS_DIR = previous;
});

async function opened(): Promise<Harness> {
  console_ = startConsole();
  const h = console_;
  await h.waitFor((f) => /> │ exponential/.test(f) && /docker up/.test(f), 'the function list');
  h.press('f');
  await h.waitFor((f) => f.includes('Run a plan'), 'the plan picker');
  return h;
}

describe('the plan picker', { timeout: 240_000 }, () => {
  before(async () => {
    const engine = new Engine();
    try {
      const rows = await engine.deploy(
        ['prime-number', 'as-prime-number'],
        ['wasm-p1', 'container'],
      );
      assert.deepEqual(
        rows.filter((row) => !row.ok),
        [],
        'deploy for the test (is the Docker engine up? DOCKER_HOST)',
      );
    } finally {
      await engine.close();
    }
  });

  it('lists the plan files with their counts, thins them, and shows a bad one its error', async () => {
    const h = await opened();
    // The repository's plans, then the user's; the description's first line only.
    let frame = await h.waitFor((f) => f.includes('> thesis-conditions'), 'the first plan');
    assert.match(frame, /^[│ ]*thesis +4 functions, 13,524 invocations/m);
    // No earlier session of this machine in the fresh logs folder: nothing to estimate from.
    frame = await h.waitFor((f) => /no earlier run here/.test(f), 'the estimates read');
    assert.match(frame, /tiny +2 functions, 14 invocations, no earlier run here/);
    assert.match(frame, /Two functions, a few inputs\./);
    assert.doesNotMatch(frame, /A second line/);
    assert.match(frame, /all inputs/);
    h.press('+');
    frame = await h.waitFor((f) => f.includes('one input in 2'), 'thinned by 2');
    // prime-number 1 and 5 on both runtimes, as-prime-number 7 on wasm-p1: 5 cells x 2.
    assert.match(frame, /tiny +2 functions, 10 invocations/);
    assert.match(frame, /thesis +4 functions, 6,780 invocations/);
    h.press('-');
    await h.waitFor((f) => f.includes('all inputs'), 'back to every input');
    h.press(BROKEN);
    frame = await h.waitFor((f) => f.includes('> broken'), 'the bad plan highlighted');
    // Its row and, under the list, the whole error: the field and the fix.
    assert.match(frame, /> broken +cannot run/);
    assert.match(frame, /^│ +\S*broken\.json: invalid plan file: repetitions: repetitions must/m);
    assert.match(frame, /^│ +be at least 1/m);
    h.press(KEYS.enter);
    frame = await h.waitFor((f) => /^! .*broken\.json: invalid plan file/m.test(f), 'refused');
    assert.ok(frame.includes('Run a plan'), 'the picker stays open');
    assert.equal(h.controller.state.experiment, null, 'nothing ran');
    h.press(KEYS.escape);
    await h.waitFor((f) => /> │ exponential/.test(f), 'the picker closed');
    assert.equal(h.logRecords().filter((r) => r.type === 'invocation').length, 0);
  });

  it('runs a small plan through the session, follows it, and shows its report', async () => {
    const h = await opened();
    h.press(`+${TINY}`);
    await h.waitFor((f) => f.includes('> tiny') && f.includes('one input in 2'), 'tiny, thinned');
    h.press(KEYS.enter);
    const frame = await h.waitFor((f) => /plan tiny 10\/10 done/.test(f), 'the plan to end');
    // The last cell run stays in the footer and the panes' titles.
    assert.match(frame, /plan tiny 10\/10 done: as-prime-number "7" on wasm-p1, cold/);
    assert.match(frame, /^wasm-p1 \(node:wasi\) +as-prime-number cold "7"/m);
    assert.match(frame, /plan tiny \(experiment exp-\S+\): 10 invocations/);
    const records = h.logRecords();
    const start = records.find((r) => r.type === 'action' && r.command === 'plan-start');
    assert.equal(start?.name, 'tiny');
    assert.equal(start?.thin, 2);
    assert.deepEqual(
      ((start?.skipped ?? []) as Array<{ runtime: string }>).map((s) => s.runtime),
      ['container'],
    );
    const at = (type: string) => records.findIndex((r) => r.type === type);
    assert.ok(at('sizes') > records.indexOf(start as never), 'the sizes first, as bench logs');
    assert.ok(at('experiment') > at('sizes'));
    const invocations = records.filter((r) => r.type === 'invocation');
    assert.deepEqual(
      invocations.map((r) => `${r.function}(${r.input})@${r.runtime}=${String(r.output).trim()}`),
      [
        'prime-number(1)@wasm-p1=2',
        'prime-number(1)@container=2',
        'prime-number(1)@wasm-p1=2',
        'prime-number(1)@container=2',
        'prime-number(5)@wasm-p1=11',
        'prime-number(5)@container=11',
        'prime-number(5)@wasm-p1=11',
        'prime-number(5)@container=11',
        'as-prime-number(7)@wasm-p1=17',
        'as-prime-number(7)@wasm-p1=17',
      ],
    );
    assert.ok(records.some((r) => r.type === 'experiment-end'));
    h.press('r');
    const results = await h.waitFor((f) => /^Experiment exp-/m.test(f), 'the results view');
    assert.match(results, /prime-number/);
    h.press(KEYS.escape);
    await h.waitFor((f) => /> │ exponential/.test(f), 'the results closed');
    // Opened again, the run just made is an earlier session here: the plan has an estimate.
    h.press('f');
    await h.waitFor((f) => /tiny +2 functions, 10 invocations, ~[\d.]+ s/.test(f), 'its estimate');
    h.press(KEYS.escape);
    await h.waitFor((f) => /> │ exponential/.test(f), 'the picker closed');
    // Choosing another function hands the panes back to the selection.
    h.press('j');
    await h.waitFor((f) => /^wasm \(component\) +factorial/m.test(f), 'the panes back');
  });

  it('x stops a running plan after the current invocation; a stray Esc does not', async () => {
    const h = await opened();
    h.press(LONG);
    await h.waitFor((f) => f.includes('> long'), 'long highlighted');
    h.press(KEYS.enter);
    const running = await h.waitFor(
      (f) => /plan long [1-9][\d,]*\/1,802 running: prime-number/.test(f),
      'running',
    );
    const doneAt = (f: string) =>
      Number(/plan long ([\d,]+)\/1,802/.exec(f)?.[1]?.replace(/,/g, ''));
    const before = doneAt(running);
    h.press(KEYS.escape);
    await h.waitFor(
      (f) => /plan long [\d,]+\/1,802 running/.test(f) && doneAt(f) > before,
      'still running after Esc',
    );
    h.press('x');
    const frame = await h.waitFor((f) => /plan long [\d,]+\/1,802 stopped/.test(f), 'stopped');
    assert.match(frame, /\(stopped\)/);
    const records = h.logRecords();
    const ran = records.filter((r) => r.type === 'invocation').length;
    assert.ok(ran > 0 && ran < 1802, `${ran} of 1802 ran`);
    assert.ok(records.some((r) => r.type === 'experiment-end'));
  });
});
