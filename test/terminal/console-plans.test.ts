/**
 * The plan picker as a person sees it: the built console in a pseudo-terminal, its bytes fed
 * to a terminal emulator, and after each step the screen must be, row for row, the frame the
 * console meant. Opening the picker, moving in it, thinning, a bad plan's error, running a
 * small plan on the real Wasm runtime and Docker engine to its end, and its report, at 80x24
 * and 120x36.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nebula } from '../faults/cli.js';
import {
  type EmulatedConsole,
  KEYS,
  openConsole,
  type Size,
  shapeDefects,
} from './emulated-console.js';

const dir = mkdtempSync(join(tmpdir(), 'nebula-console-plans-'));
const profiles = join(dir, 'profiles');
const plans = join(dir, 'plans');
mkdirSync(profiles);
mkdirSync(plans);
writeFileSync(
  join(profiles, 'local.json'),
  JSON.stringify({
    name: 'local',
    label: 'plan picker test',
    docker: {},
    power: { source: 'estimate', idleWatts: 2, fullWatts: 5 },
    experiment: { repetitions: 3, warmup: 0, pauseMs: 0, baselineSeconds: 3, blocks: 1 },
  }),
);
// In the user's folder, after the repository's thesis-conditions and thesis: broken, small.
writeFileSync(
  join(plans, 'broken.json'),
  JSON.stringify({
    nebulaPlan: 1,
    name: 'broken',
    runtimes: ['wasm-p1'],
    functions: [{ name: 'prime-number', inputs: { from: 9, to: 1 } }],
  }),
);
writeFileSync(
  join(plans, 'small.json'),
  JSON.stringify({
    nebulaPlan: 1,
    name: 'small',
    description: 'prime-number on both runtimes, a few inputs',
    runtimes: ['wasm-p1', 'container'],
    repetitions: 2,
    warmup: 0,
    functions: [{ name: 'prime-number', inputs: [1, 2, 3, 4, 5, 6] }],
  }),
);

const { NO_COLOR: _noColor, ...env } = process.env;
const has = (pattern: RegExp) => (rows: string[]) => rows.some((row) => pattern.test(row));

async function step(
  terminal: EmulatedConsole,
  what: string,
  keys: string | null,
  predicate?: (rows: string[]) => boolean,
): Promise<string[]> {
  if (keys !== null) terminal.press(keys);
  const rows = await terminal.settled(what, predicate);
  assert.deepEqual(shapeDefects(rows), [], `${what}: the screen's shape`);
  return rows;
}

async function session(size: Size): Promise<void> {
  const name = `${size.columns}x${size.rows}`;
  const terminal = openConsole({
    size,
    args: ['--profile', 'local', '--log', join(dir, `${name}.jsonl`)],
    env: { ...env, NEBULA_PROFILES_DIR: profiles, NEBULA_PLANS_DIR: plans },
    frames: join(dir, `${name}.frames.jsonl`),
  });
  try {
    await step(terminal, 'start', null, has(/docker up/));
    await step(
      terminal,
      'the plan picker',
      'f',
      (rows) =>
        has(/Run a plan/)(rows) &&
        has(/> thesis-conditions /)(rows) &&
        has(/ {2}small +1 function, 24 invocations/)(rows),
    );
    await step(terminal, 'move to the next plan', 'j', has(/> thesis +4 functions, 13,524/));
    await step(
      terminal,
      'thinned: one input in 2',
      '+',
      (rows) => has(/one input in 2/)(rows) && has(/small +1 function, 12 invocations/)(rows),
    );
    await step(
      terminal,
      'the bad plan and its error',
      'j',
      (rows) => has(/> broken +cannot run/)(rows) && has(/from \(9\) is past to \(1\)/)(rows),
    );
    await step(terminal, 'Enter on it: refused, the picker stays', KEYS.enter, (rows) =>
      has(/^! .*broken\.json: invalid plan file/)(rows),
    );
    await step(terminal, 'the small plan', 'j', has(/> small +1 function, 12 invocations/));
    await step(
      terminal,
      'the small plan run to its end',
      KEYS.enter,
      (rows) =>
        has(/plan small 12\/12 done/)(rows) && has(/^wasm-p1 \(node:wasi\) +prime-number/)(rows),
    );
    await step(terminal, 'its report', 'r', has(/^Experiment exp-/));
    await step(terminal, 'the report closed', KEYS.escape, has(/│ > │/));
    terminal.press('q');
    assert.equal(await terminal.exited, 0, 'the console quits with 0 on q');
  } finally {
    terminal.dispose();
  }
}

describe('the plan picker through a terminal emulator', { timeout: 600_000 }, () => {
  after(() => rmSync(dir, { recursive: true, force: true }));
  before(async () => {
    const deploy = await nebula(['deploy', 'prime-number', '--runtime', 'wasm-p1,container']).done;
    assert.equal(deploy.code, 0, deploy.stderr);
  });
  for (const size of [
    { columns: 80, rows: 24 },
    { columns: 120, rows: 36 },
  ]) {
    it(`opens the picker, moves, runs a plan to its end at ${size.columns}x${size.rows}`, () =>
      session(size));
  }
});
