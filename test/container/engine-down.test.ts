import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Engine } from '../../source/engine/engine.js';
import { ContainerRuntime } from '../../source/runtimes/container/index.js';
import {
  containersLabelled,
  engineClient,
  eventually,
  removeLeftBehind,
  requireEngine,
  testLabel,
} from './helpers.js';
import { EngineRelay } from './proxy.js';

const MISSING = 'unix:///tmp/nebula-no-such-engine/docker.sock';
const cli = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));

describe('an engine that cannot be reached', { timeout: 30_000 }, () => {
  it('is named, with what to do, when the runtime starts', async () => {
    await assert.rejects(ContainerRuntime.create({ dockerHost: MISSING }), (error: Error) => {
      assert.equal(error.name, 'EngineUnreachableError');
      assert.match(
        error.message,
        /cannot reach the Docker engine at unix:\/\/\/tmp\/nebula-no-such-engine\/docker.sock/,
      );
      assert.match(error.message, /bash scripts\/dockerd.sh start/);
      assert.match(error.message, /fix docker.host in the profile/);
      return true;
    });
  });

  it('makes `nebula invoke` fail with that message and exit code 1', async () => {
    const run = promisify(execFile)(
      process.execPath,
      [cli, 'invoke', 'hello', '--runtime', 'container'],
      {
        env: { ...process.env, DOCKER_HOST: MISSING },
      },
    );
    await assert.rejects(run, (error: { code?: number; stdout?: string; stderr?: string }) => {
      assert.equal(error.code, 1);
      assert.match(
        `${error.stdout}${error.stderr}`,
        /cannot reach the Docker engine at unix:\/\/\/tmp\/nebula-no-such-engine.*fix DOCKER_HOST/,
      );
      return true;
    });
  });

  it('is retried by the engine on the next request, not remembered as broken', async () => {
    const engine = new Engine({ dockerHost: MISSING });
    try {
      await assert.rejects(engine.runtime('container'), /cannot reach/);
      await assert.rejects(engine.runtime('container'), /cannot reach/);
    } finally {
      await engine.close();
    }
  });
});

describe('an engine that goes away mid-run and comes back', { timeout: 120_000 }, () => {
  before(requireEngine);
  const label = testLabel();
  const relay = new EngineRelay('unix');
  let runtime: ContainerRuntime;
  const engine = new Engine();

  before(async () => {
    await relay.up();
    runtime = await ContainerRuntime.create({ dockerHost: relay.address, labels: label.labels });
    for (const name of ['hello', 'faulty']) await runtime.deploy(engine.fn(name));
  });

  after(async () => {
    await relay.up();
    await runtime?.close();
    await relay.dispose();
    await engine.close();
    const docker = engineClient();
    // The engine removes what it was asked to; give an exiting warm container its moment.
    await eventually(
      async () => (await containersLabelled(docker, label.key, label.value)).length === 0,
      10_000,
    );
    await removeLeftBehind(label);
  });

  const running = async (mode: string) =>
    eventually(async () =>
      (await containersLabelled(engineClient(), label.key, label.value)).some(
        (info) =>
          info.State === 'running' &&
          info.Labels['nebula.mode'] === mode &&
          info.Labels['nebula.function'] === 'faulty',
      ),
    );

  for (const mode of ['cold', 'warm'] as const) {
    it(`fails the invocation in flight with that reason, then reconnects (${mode})`, async () => {
      if (mode === 'warm')
        assert.equal((await runtime.invoke(engine.fn('hello'), { input: '', mode })).ok, true);
      const pending = runtime.invoke(engine.fn('faulty'), { input: 'loop', mode });
      assert.ok(await running(mode), 'the function never started');
      // For warm, the watchdog is already running; give the request time to reach it.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await relay.down();
      const result = await pending;
      assert.equal(result.failure, 'engine', result.error ?? '');
      assert.match(
        result.error ?? '',
        new RegExp(`Docker engine at ${relay.address} went away mid-run`),
      );

      const whileDown = await runtime.invoke(engine.fn('hello'), { input: '', mode });
      assert.equal(whileDown.failure, 'engine');
      assert.match(
        whileDown.error ?? '',
        /cannot reach the Docker engine .*scripts\/dockerd.sh start/,
      );

      await relay.up();
      const back = await runtime.invoke(engine.fn('hello'), { input: '', mode });
      assert.equal(back.ok, true, back.error ?? '');
    });
  }

  it('removes what it could not remove while the engine was away', async () => {
    await runtime.close();
    const gone = await eventually(async () =>
      (await containersLabelled(engineClient(), label.key, label.value)).every(
        (info) => info.Labels['nebula.function'] !== 'faulty',
      ),
    );
    assert.ok(gone, 'the container of the interrupted run is still there');
  });
});

describe('a tcp:// engine address', { timeout: 60_000 }, () => {
  before(requireEngine);
  it('runs cold and warm invocations over TCP', async () => {
    const label = testLabel();
    const relay = new EngineRelay('tcp');
    await relay.up();
    const engine = new Engine();
    const runtime = await ContainerRuntime.create({
      dockerHost: relay.address,
      labels: label.labels,
    });
    try {
      assert.match(runtime.address.url, /^tcp:\/\/127\.0\.0\.1:\d+$/);
      await runtime.deploy(engine.fn('sha256'));
      for (const mode of ['cold', 'warm'] as const) {
        const result = await runtime.invoke(engine.fn('sha256'), { input: 'abc', mode });
        assert.equal(result.ok, true, result.error ?? '');
        assert.equal(result.output.trim(), engine.fn('sha256').manifest.input.expectedOutput);
      }
    } finally {
      await runtime.close();
      await relay.dispose();
      await engine.close();
    }
    assert.deepEqual(await containersLabelled(engineClient(), label.key, label.value), []);
  });
});
