/**
 * The console in a real pseudo-terminal (script(1)), as a person at an ssh prompt sees it.
 * Ink draws only its last frame when CI is set; a console on a terminal must draw anyway.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, consolePid, until } from '../faults/cli.js';

const TUI = join(dirname(CLI), 'nebula-tui.js');
const dir = mkdtempSync(join(tmpdir(), 'nebula-console-terminal-'));

interface Terminal {
  script: ChildProcessWithoutNullStreams;
  exited: Promise<number | null>;
  /** Everything written to the terminal so far. */
  screen(): string;
  /** Waits until the screen holds the text; the failure shows what the screen held. */
  shows(text: string): Promise<void>;
}

/** nebula-tui in a 100x30 pseudo-terminal; `redirect` is appended to its shell command. */
function openConsole(log: string, env: NodeJS.ProcessEnv, redirect = ''): Terminal {
  const command = [process.execPath, '--no-turbo-fast-api-calls', TUI, '--log', log]
    .map((word) => JSON.stringify(word))
    .join(' ');
  const script = spawn(
    'script',
    ['-qfec', `stty cols 100 rows 30; exec ${command} ${redirect}`, '/dev/null'],
    { env: { ...process.env, TERM: 'xterm-256color', NO_COLOR: '1', ...env } },
  );
  const exited = new Promise<number | null>((resolve) => script.on('close', resolve));
  let screen = '';
  script.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
  });
  return {
    script,
    exited,
    screen: () => screen,
    shows: (text) =>
      until(
        () => screen.includes(text),
        () => `"${text}" on the terminal; it showed:\n${screen.slice(-1500)}`,
      ),
  };
}

describe('the console in a terminal', { timeout: 120_000 }, () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('with stdin from /dev/null: draws, says keys are off, and closes on SIGTERM', async () => {
    const log = join(dir, 'no-keys.jsonl');
    const terminal = openConsole(log, {}, '</dev/null');
    try {
      await terminal.shows('stdin is not a terminal');
      process.kill(consolePid(log), 'SIGTERM');
      assert.equal(await terminal.exited, 143);
      assert.doesNotMatch(terminal.screen(), /Raw mode is not supported/);
    } finally {
      // script(1) forwards a hang-up to the console, which closes like q.
      if (terminal.script.exitCode === null) terminal.script.kill('SIGHUP');
    }
  });

  it('draws its function list while running with CI=true in the environment, and quits on q', async () => {
    const terminal = openConsole(join(dir, 'ci.jsonl'), { CI: 'true' });
    try {
      await terminal.shows('fibonacci-recursive');
      terminal.script.stdin.write('q');
      assert.equal(await terminal.exited, 0);
    } finally {
      if (terminal.script.exitCode === null) terminal.script.kill('SIGHUP');
    }
  });
});
