/**
 * The real Docker engine killed (SIGKILL) under `nebula bench`, once while cold containers
 * run and once while a warm one serves: no crash, every finished invocation in the log, the
 * one in flight failed naming the engine, and the next command works once it is back. The
 * engine is one of the test's own (scripts/dockerd.sh in a directory of its own), so
 * killing it disturbs no other test.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CRASH, invocations, nebula, ROOT, until } from './cli.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'nebula-kill-'));
const engineDir = join(dir, 'engine');
const env = {
  ...process.env,
  NEBULA_DOCKER_DIR: engineDir,
  DOCKER_HOST: `unix://${engineDir}/docker.sock`,
  NEBULA_LOGS_DIR: dir,
};
const dockerd = (command: string) =>
  run('bash', [join(ROOT, 'scripts/dockerd.sh'), command], { env, timeout: 60_000 });

describe('the Docker engine killed mid-experiment', { timeout: 300_000 }, () => {
  before(async () => {
    await dockerd('start');
    const deployed = await nebula(
      ['deploy', 'hello', 'fibonacci-recursive', '--runtime', 'container'],
      env,
    ).done;
    assert.equal(deployed.code, 0, deployed.stderr);
  });

  after(async () => {
    await dockerd('stop').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const mode of ['cold', 'warm'] as const) {
    it(`during ${mode} containers: finished runs kept, the one in flight failed naming the engine`, async () => {
      const log = join(dir, `${mode}.jsonl`);
      const planned = mode === 'warm' ? 60 : 150;
      const bench = nebula(
        [
          'bench',
          '--functions',
          // About 100 ms a run when warm: an invocation is in flight nearly all the time.
          ...(mode === 'warm' ? ['fibonacci-recursive', '--inputs', '37'] : ['hello']),
          '--runtimes',
          'container',
          '--mode',
          mode,
          '-n',
          String(planned),
          '--warmup',
          '0',
          '--pause-ms',
          '0',
          '--json',
          '--log',
          log,
        ],
        env,
      );
      await until(
        () => invocations(log).length >= 5,
        () => `five finished invocations (bench said: ${bench.stderr()})`,
      );
      const pid = Number(readFileSync(join(engineDir, 'dockerd.pid'), 'utf8'));
      process.kill(pid, 'SIGKILL');
      const finished = await bench.done;

      assert.doesNotMatch(finished.stderr, CRASH);
      assert.equal(finished.code, 1, `exit 1 (invocations failed): ${finished.stderr}`);
      const printed = JSON.parse(finished.stdout) as {
        results: Array<{ n: number; failures: number }>;
      };
      const records = invocations(log);
      // The plan went on: every invocation is a record, the finished ones first.
      assert.equal(records.length, planned);
      const [cell] = printed.results;
      assert.ok(cell);
      assert.equal(cell.n + cell.failures, planned);
      const firstFailed = records.findIndex((record) => record.ok === false);
      assert.ok(firstFailed >= 5, `failed from record ${firstFailed}`);
      assert.ok(records.slice(0, firstFailed).every((record) => record.ok === true));
      const failed = records.slice(firstFailed);
      for (const record of failed) assert.equal(record.failure, 'engine', String(record.error));
      // The one in flight when the engine died names it (went away, or refused by it
      // while dying); the later ones could not reach it.
      const engineNamed = new RegExp(`Docker engine at unix://${engineDir}/docker.sock`);
      assert.match(String(failed[0]?.error), engineNamed);
      assert.match(
        String(failed.at(-1)?.error),
        /cannot reach the Docker engine .*dockerd.sh start/,
      );

      // Once it is back (the restart copes with the killed daemon's leftovers), it works.
      await dockerd('start');
      const next = await nebula(
        ['invoke', 'hello', '--runtime', 'container', '--mode', mode, '--json'],
        env,
      ).done;
      assert.equal(next.code, 0, next.stderr);
      assert.equal(JSON.parse(next.stdout).ok, true);
    });
  }
});
