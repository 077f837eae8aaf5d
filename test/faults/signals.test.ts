/**
 * SIGINT, SIGTERM and SIGHUP during a command: what finished is printed and in the log,
 * warm containers are stopped, and the process exits with the shell's code for the signal.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { containersLabelled, engineClient, requireEngine } from '../container/helpers.js';
import { CLI, CRASH, consolePid, invocations, logLines, nebula, until } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nebula-signals-'));
const env = { ...process.env, NEBULA_LOGS_DIR: dir };
const TUI = join(dirname(CLI), 'nebula-tui.js');
const CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

describe('stop signals', { timeout: 240_000 }, () => {
  before(async () => {
    await requireEngine();
    const deployed = await nebula(['deploy', 'hello', 'faulty', '--runtime', 'all'], env).done;
    assert.equal(deployed.code, 0, deployed.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} during a bench with warm containers and power: results printed, log kept, containers gone, exit ${CODES[signal]}`, async () => {
      const log = join(dir, `${signal}.jsonl`);
      const bench = nebula(
        [
          'bench',
          '--functions',
          'hello',
          '--runtimes',
          'container,wasm',
          '--mode',
          'warm',
          '--block-seconds',
          '60',
          '--warmup',
          '0',
          '--power-source',
          'estimate',
          '--baseline',
          '1',
          '--json',
          '--log',
          log,
        ],
        env,
      );
      await until(
        () => invocations(log).length >= 10,
        () => `ten invocations: ${bench.stderr()}`,
      );
      bench.child.kill(signal);
      const end = await bench.done;
      assert.equal(end.code, CODES[signal], end.stderr);
      assert.doesNotMatch(end.stderr, CRASH);
      assert.match(end.stderr, new RegExp(`${signal}: stopping, keeping what finished`));
      const printed = JSON.parse(end.stdout) as {
        aborted: boolean;
        results: Array<{ n: number; failures: number }>;
      };
      assert.equal(printed.aborted, true);
      const ran = printed.results.reduce((sum, r) => sum + r.n + r.failures, 0);
      // Every finished invocation is printed and in the log, and the log reads whole.
      assert.ok(ran >= 10);
      assert.equal(invocations(log).length, ran);
      assert.ok(logLines(log).some((r) => r.type === 'baseline'));
      const pid = String(bench.child.pid);
      const left = (await containersLabelled(engineClient(), 'nebula', '1')).filter(
        (info) => info.Labels['nebula.owner']?.split(':')[4] === pid,
      );
      assert.deepEqual(left, [], 'warm containers outlived the command');
    });
  }

  it('SIGTERM during `nebula power` prints the summary of what was read, exit 143', async () => {
    const power = nebula(['power', '--source', 'estimate', '--duration', '60'], env);
    await until(
      () => / W/.test(power.stdout()),
      () => `a first reading: ${power.stderr()}`,
    );
    power.child.kill('SIGTERM');
    const end = await power.done;
    assert.equal(end.code, 143, end.stderr);
    const readings = /readings (\d+) in ([\d.]+) s/.exec(end.stdout);
    assert.ok(readings, end.stdout);
    assert.ok(Number(readings[1]) >= 1);
    assert.ok(Number(readings[2]) < 60);
  });

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} during the console closes it like q and exits ${CODES[signal]}`, async () => {
      const log = join(dir, `console-${signal}.jsonl`);
      // The console needs a terminal: script(1) gives it one, and returns its exit code.
      const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(TUI)} --log ${JSON.stringify(log)}`;
      const console = spawn('script', ['-qfec', command, '/dev/null'], {
        env,
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      const exited = new Promise<number | null>((resolve) => console.on('close', resolve));
      await until(() => logLines(log).some((r) => r.type === 'header'), 'the console to start');
      const pid = consolePid(log);
      process.kill(pid, signal);
      assert.equal(await exited, CODES[signal]);
      assert.deepEqual(logLines(log).at(-1), {
        ...(logLines(log).at(-1) as object),
        type: 'end',
        reason: `signal ${signal}`,
      });
    });
  }

  it('SIGINT during `nebula invoke` cancels the run in flight and says so, exit 130', async () => {
    const invoke = nebula(
      ['invoke', 'faulty', '--input', 'loop', '--runtime', 'container', '--json'],
      env,
    );
    const running = async () =>
      (await containersLabelled(engineClient(), 'nebula.function', 'faulty')).some(
        (info) =>
          info.State === 'running' &&
          info.Labels['nebula.owner']?.split(':')[4] === String(invoke.child.pid),
      );
    while (!(await running())) await new Promise((resolve) => setTimeout(resolve, 50));
    invoke.child.kill('SIGINT');
    const end = await invoke.done;
    assert.equal(end.code, 130, end.stderr);
    const result = JSON.parse(end.stdout);
    assert.equal(result.failure, 'aborted');
    const left = (await containersLabelled(engineClient(), 'nebula.function', 'faulty')).filter(
      (info) => info.Labels['nebula.owner']?.split(':')[4] === String(invoke.child.pid),
    );
    assert.deepEqual(left, [], 'the cancelled container is still there');
  });

  it('a second signal quits at once, during a long baseline', async () => {
    const bench = nebula(
      ['bench', '--functions', 'hello', '--runtimes', 'wasm', '--power-source', 'estimate'],
      { ...env, NEBULA_LOGS_DIR: dir },
    );
    await until(
      () => /idle baseline/.test(bench.stderr()),
      () => bench.stderr(),
    );
    bench.child.kill('SIGINT');
    await until(
      () => /stopping/.test(bench.stderr()),
      () => bench.stderr(),
    );
    bench.child.kill('SIGINT');
    const end = await bench.done;
    // The first signal now ends the baseline at once, so the second can land while Node is
    // already tearing the process down, after its signal handlers are gone: it then dies by
    // SIGINT. A shell reports both outcomes as 130; anything else (0, 1, a hang) fails.
    assert.ok(
      end.code === 130 || end.signal === 'SIGINT',
      `${end.code} ${end.signal}\n${end.stderr}`,
    );
    assert.doesNotMatch(end.stderr, CRASH);
  });
});
