/**
 * What a terminal shows is the frame the console meant: the built console in a
 * pseudo-terminal, its bytes fed to a terminal emulator, and after every step of a session
 * as a person would run it the emulator's screen must be, row for row, the last frame the
 * console drew (no stale row, no cut line), with one status bar, one table heading, one
 * selection marker and one footer. At 80x24, 120x36 and 200x50, with resizes, and a frame
 * that fills the terminal to its last row (the layout gives the spare rows to the histograms).
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

const dir = mkdtempSync(join(tmpdir(), 'nebula-console-screen-'));
const profiles = join(dir, 'profiles');
mkdirSync(profiles);
// The estimate source reads once a second: idle 3 s before and after (two readings at least,
// on a busy machine too), one block of 5 s per runtime (three readings at least).
for (const name of ['local', 'other']) {
  writeFileSync(
    join(profiles, `${name}.json`),
    JSON.stringify({
      name,
      label: `screen test ${name}`,
      docker: {},
      power: { source: 'estimate', idleWatts: 2, fullWatts: 5 },
      experiment: {
        repetitions: 3,
        warmup: 0,
        pauseMs: 0,
        baselineSeconds: 3,
        blocks: 1,
        blockSeconds: 5,
      },
    }),
  );
}

// Colours on, as a person has them; the console must show the same whether CI is set or not.
const { NO_COLOR: _noColor, ...env } = process.env;

const has = (pattern: RegExp) => (rows: string[]) => rows.some((row) => pattern.test(row));
const all =
  (...checks: Array<(rows: string[]) => boolean>) =>
  (rows: string[]) =>
    checks.every((check) => check(rows));
/** The stats row of both panes: "n 1 med ..." on each side. */
const counts = (wasm: number, container: number) =>
  has(new RegExp(`^n ${wasm} .*\\bn ${container} `));

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

function grown(size: Size): Size {
  return { columns: Math.min(250, size.columns + 50), rows: Math.min(70, size.rows + 20) };
}

async function session(size: Size): Promise<void> {
  const name = `${size.columns}x${size.rows}`;
  const terminal = openConsole({
    size,
    args: ['--profile', 'local', '--log', join(dir, `${name}.jsonl`)],
    env: { ...env, NEBULA_PROFILES_DIR: profiles },
    frames: join(dir, `${name}.frames.jsonl`),
  });
  try {
    const first = await step(
      terminal,
      'start: the function list with every deploy state known, Docker up',
      null,
      all(has(/│ > │ \S/), has(/docker up/), (rows) => !rows.some((r) => r.includes('│ ... '))),
    );
    const selected = first
      .find((row) => /│ > │/.test(row))
      ?.split('│')[2]
      ?.trim();
    assert.ok(selected, 'a selected function');

    await step(
      terminal,
      'move down',
      'j',
      (rows) => !rows.some((r) => r.includes(`│ > │ ${selected} `)),
    );
    await step(terminal, 'move back up', 'k', has(new RegExp(`│ > │ ${selected} `)));

    await step(terminal, 'invoke on Wasm, cold', 'w', counts(1, 0));
    await step(terminal, 'invoke in a container, cold', 'c', counts(1, 1));
    await step(terminal, 'invoke on both, cold', 'b', counts(2, 2));
    await step(terminal, 'switch to warm', 'm', has(/^warm \| /));
    await step(terminal, 'invoke on both, warm', 'b', counts(1, 1));
    await step(terminal, 'invoke on both, warm again', 'b', counts(2, 2));

    await step(
      terminal,
      'deploy the selected function on every runtime it supports',
      'd',
      all(has(/^deployed exponential: wasm /), has(/│ > │ exponential +│ yes +│ yes +│/)),
    );
    await step(
      terminal,
      'the Wasm side switched to wasm-p1',
      't',
      all(has(/^wasm-p1 \(node:wasi\) +exponential/), has(/│ wasm-p1 │ container │/)),
    );
    await step(terminal, 'invoke on wasm-p1, warm', 'w', counts(1, 2));
    await step(
      terminal,
      'back to the component',
      't',
      all(has(/^wasm \(component\)/), counts(2, 2)),
    );

    await step(terminal, 'open the input editor', 'i', has(/Input for /));
    await step(terminal, 'type in it', `${KEYS.backspace.repeat(20)}3`, has(/│ > 3 /));
    await step(terminal, 'apply the input', KEYS.enter, has(/^warm \| input "3" \|/));

    await step(terminal, 'help', '?', has(/Keys \(Esc closes\)/));
    await step(
      terminal,
      'help scrolled to its end: what the table says',
      'j'.repeat(40),
      all(has(/^ {2}n\/a +that runtime can never run it/), has(/^ {2}no +not deployed yet/)),
    );
    await step(terminal, 'close the help', KEYS.escape, has(/│ > │/));
    await step(terminal, 'the log overlay', 'l', has(/Session log/));
    await step(terminal, 'close the log overlay', KEYS.escape, has(/│ > │/));

    // Both runtimes' energy and their ratio, whole, at any width.
    await step(
      terminal,
      'an experiment with power, to its end',
      's',
      all(
        has(/experiment \d+\/\d+ done/),
        has(/^energy\/inv net uWh {2}wasm -?[\d.]+ {2}container -?[\d.]+/),
        // Net where the idle is known and below the load; gross otherwise (a saturated estimate).
        has(/^container\/wasm x[\d.]+ (net|gross)/),
      ),
    );

    await step(
      terminal,
      'the results view: the experiment as nebula report shows it',
      'r',
      all(
        has(/^Experiment exp-\S+ +exponential 3 warm/),
        has(/^ {2}wasm +n \d+ +total [\d.]+/),
        has(/^ {2}container\/wasm total [\d.]+×/),
      ),
    );
    await step(
      terminal,
      'the results view scrolled to its end',
      'j'.repeat(30),
      has(/energy container\/wasm [\d.]+×/),
    );
    await step(terminal, 'close the results view', KEYS.escape, has(/│ > │/));

    // A resize in the middle of an experiment: smaller, larger, then back.
    terminal.press('s');
    await step(
      terminal,
      'a second experiment running',
      null,
      has(/experiment(:| \d+\/\d+ (running|baseline))/),
    );
    terminal.resize({ columns: 60, rows: 20 });
    await step(terminal, 'shrunk to 60x20 during the experiment', null);
    terminal.resize(grown(size));
    await step(terminal, `grown to ${grown(size).columns}x${grown(size).rows}`, null);
    terminal.resize(size);
    await step(
      terminal,
      'back to the first size, experiment done',
      null,
      has(/experiment \d+\/\d+ done/),
    );

    await step(terminal, 'the profile picker', 'p', has(/Switch profile/));
    await step(terminal, 'choose the other profile', `j${KEYS.enter}`, has(/^nebula other/));
    await step(terminal, 'Ctrl+L draws every row again', KEYS.ctrlL, has(/^nebula other/));

    terminal.press('q');
    assert.equal(await terminal.exited, 0, 'the console quits with 0 on q');
  } finally {
    terminal.dispose();
  }
}

describe('the console through a terminal emulator', { timeout: 600_000 }, () => {
  after(() => rmSync(dir, { recursive: true, force: true }));
  // The first function's container image (the console's own deploy is tried elsewhere).
  before(async () => {
    const deploy = await nebula(['deploy', 'exponential', '--runtime', 'container']).done;
    assert.equal(deploy.code, 0, deploy.stderr);
  });
  for (const size of [
    { columns: 80, rows: 24 },
    { columns: 120, rows: 36 },
    { columns: 200, rows: 50 },
  ]) {
    it(`shows the frame it meant after every step at ${size.columns}x${size.rows}`, () =>
      session(size));
  }
});
