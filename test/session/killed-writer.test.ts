/**
 * A process that writes a session log is killed with SIGKILL mid-run: every invocation it
 * reported as written must read back, and a torn line at most is lost.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readSessionLog } from '../../source/session/read-log.js';

const dir = mkdtempSync(join(tmpdir(), 'nebula-kill-test-'));
let writer: ChildProcess | undefined;
// A writer the test did not get to kill (a timeout on a loaded machine) would write until
// the disk is full: it dies with the test.
after(() => {
  if (writer && writer.exitCode === null && writer.signalCode === null) writer.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const sessionLogModule = new URL('../../source/session/session-log.js', import.meta.url).href;

// Writes invocation records as fast as it can and says on stdout after each one it wrote.
// writeSync: process.stdout on a pipe queues writes that a busy loop never flushes, so the
// test saw a few hundred steps and waited while the log grew by gigabytes.
// A compressed log (.gz) is written out by flush(): the writer says each step it flushed.
const WRITER = `
import { writeSync } from 'node:fs';
import { SessionLog } from ${JSON.stringify(sessionLogModule)};
const log = SessionLog.open(process.argv[2]);
log.append({ type: 'header', profile: 'test', machine: { hostname: 'test' } });
const padding = 'x'.repeat(2000);
for (let step = 0; ; step++) {
  log.append({
    type: 'invocation', experiment: 'e', cell: 'c', step, repetition: step, warmup: false,
    at: 1000 + step, outputBytes: 2000, function: 'f', runtime: 'wasm', mode: 'warm',
    input: '', ok: true, output: padding + (step % 7), error: null, failure: null,
    exitCode: 0, stderr: '', timings: { startupMs: 1, execMs: 1, teardownMs: 1, totalMs: step },
    acceptedAtNs: String(5000000 + step * 1000),
  });
  if (!log.compressed) writeSync(1, step + '\\n');
  else if (step % 100 === 99) {
    log.flush();
    writeSync(1, step + '\\n');
  }
}
`;

describe('a session log after kill -9', { timeout: 20000 }, () => {
  for (const [name, what] of [
    ['killed.jsonl', 'every invocation the killed writer finished'],
    ['killed.jsonl.gz', 'a compressed log up to its last flush'],
  ] as const)
    it(`reads back ${what}`, () => killAndRead(name));
});

async function killAndRead(name: string) {
  {
    const script = join(dir, 'writer.mjs');
    const path = join(dir, name);
    writeFileSync(script, WRITER);
    const child = spawn(process.execPath, [script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    writer = child;
    let lastReported = -1;
    let buffered = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) lastReported = Number(line);
        if (lastReported >= 500 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    assert.equal(await exited, 'SIGKILL', 'the writer must die by SIGKILL, not finish');
    const { records, warnings } = readSessionLog(path);
    const steps = records
      .filter((r) => r.type === 'invocation')
      .map((r) => (r as { step?: number }).step);
    assert.ok(
      steps.length >= lastReported + 1,
      `${steps.length} records, writer reported ${lastReported + 1}`,
    );
    assert.deepEqual(
      steps,
      steps.map((_, i) => i),
      'no finished invocation is missing',
    );
    assert.ok(warnings.length <= 2, warnings.join('\n'));
  }
}
