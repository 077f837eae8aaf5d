/**
 * The console in a real pseudo-terminal (script(1)), as a person at an ssh prompt sees it.
 * Ink draws only its last frame when CI is set; a console on a terminal must draw anyway.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, consolePid, until } from '../faults/cli.js';

const TUI = join(dirname(CLI), 'nebula-tui.js');
const dir = mkdtempSync(join(tmpdir(), 'nebula-console-terminal-'));

describe('the console in a terminal', { timeout: 120_000 }, () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('with stdin from /dev/null: draws, says keys are off, and closes on SIGTERM', async () => {
    const log = join(dir, 'no-keys.jsonl');
    const command = [process.execPath, '--no-turbo-fast-api-calls', TUI, '--log', log]
      .map((word) => JSON.stringify(word))
      .join(' ');
    const console = spawn(
      'script',
      ['-qfec', `stty cols 100 rows 30; exec ${command} </dev/null`, '/dev/null'],
      {
        env: { ...process.env, TERM: 'xterm-256color', NO_COLOR: '1' },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => console.on('close', resolve));
    let screen = '';
    console.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8');
    });
    try {
      await until(
        () => screen.includes('stdin is not a terminal'),
        () => `the keys-off message; the terminal showed:\n${screen.slice(-1500)}`,
      );
      const pid = consolePid(log);
      process.kill(pid, 'SIGTERM');
      assert.equal(await exited, 143);
      assert.doesNotMatch(screen, /Raw mode is not supported/);
    } finally {
      if (console.exitCode === null) console.kill('SIGHUP');
    }
  });

  it('draws its function list while running with CI=true in the environment, and quits on q', async () => {
    const command = [
      process.execPath,
      '--no-turbo-fast-api-calls',
      TUI,
      '--log',
      join(dir, 'ci.jsonl'),
    ]
      .map((word) => JSON.stringify(word))
      .join(' ');
    const console = spawn(
      'script',
      ['-qfec', `stty cols 100 rows 30; exec ${command}`, '/dev/null'],
      {
        env: { ...process.env, CI: 'true', TERM: 'xterm-256color', NO_COLOR: '1' },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => console.on('close', resolve));
    let screen = '';
    console.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8');
    });
    try {
      await until(
        () => screen.includes('fibonacci-recursive'),
        () => `the first frame while running; the terminal showed:\n${screen.slice(-1500)}`,
      );
      console.stdin.write('q');
      assert.equal(await exited, 0);
    } finally {
      // script(1) forwards a hang-up to the console, which closes like q.
      if (console.exitCode === null) console.kill('SIGHUP');
    }
  });
});
