import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { unavailableReason } from '../../source/catalog/availability.js';
import { loadFunction } from '../../source/catalog/catalog.js';
import type { InvocationResult, Mode } from '../../source/core/invocation.js';
import { Engine } from '../../source/engine/engine.js';
import { ContainerRuntime } from '../../source/runtimes/container/index.js';
import {
  containersLabelled,
  eventually,
  removeLeftBehind,
  requireEngine,
  testLabel,
} from './helpers.js';

const label = testLabel();
const engine = new Engine();
// Functions with a native binary (Rust and C); the Wasm-only ones are checked separately.
const native = engine.catalog.functions.filter(
  (fn) => fn.origin === 'built-in' && !unavailableReason(fn.manifest, 'container'),
);
let runtime: ContainerRuntime;
const scratch = mkdtempSync(join(tmpdir(), 'nebula-container-'));

const invoke = (
  name: string,
  input: string,
  mode: Mode,
  signal?: AbortSignal,
): Promise<InvocationResult> =>
  runtime.invoke(engine.fn(name), { input, mode, ...(signal ? { signal } : {}) });

describe('container runtime against the real engine', { timeout: 300_000 }, () => {
  before(requireEngine);
  before(async () => {
    runtime = await ContainerRuntime.create({ labels: label.labels });
    for (const fn of native) await runtime.deploy(fn);
  });

  after(async () => {
    await runtime?.close();
    await engine.close();
    rmSync(scratch, { recursive: true, force: true });
    await removeLeftBehind(label);
  });

  it('keeps an unchanged image and says the function is deployed', async () => {
    const hello = engine.fn('hello');
    const outcome = await runtime.build(hello);
    assert.equal(outcome.built, false);
    assert.match(outcome.tag, /^nebula-fn\/hello:[0-9a-f]{16}$/);
    assert.equal(await runtime.isDeployed(hello), true);
    const image = await runtime.docker.getImage(outcome.tag).inspect();
    assert.equal(image.Config.Labels?.['nebula.function'], 'hello');
    assert.match(image.Config.Labels?.['nebula.source-hash'] ?? '', /^[0-9a-f]{64}$/);
  });

  it('sees a changed function as not deployed, and says how to deploy it', async () => {
    const copy = join(scratch, 'hello');
    cpSync(engine.fn('hello').dir, copy, { recursive: true });
    const manifest = JSON.parse(JSON.stringify(engine.fn('hello').manifest));
    manifest.description = `${manifest.description} (changed by a test)`;
    writeFileSync(join(copy, 'function.json'), JSON.stringify(manifest));
    const changed = loadFunction(copy);
    assert.equal(await runtime.isDeployed(changed), false);
    const result = await runtime.invoke(changed, { input: '', mode: 'cold' });
    assert.equal(result.failure, 'not-deployed');
    assert.match(result.error ?? '', /nebula deploy hello --runtime container/);
  });

  it('has C functions among them, and refuses a Wasm-only function with the reason', async () => {
    assert.ok(native.some((fn) => fn.manifest.language === 'c'));
    const wasmOnly = engine.fn('as-hello');
    assert.equal(await runtime.isDeployed(wasmOnly), false);
    await assert.rejects(runtime.deploy(wasmOnly), /AssemblyScript compiles to Wasm only/);
    await assert.rejects(
      engine.invoke('as-hello', 'container', { input: '', mode: 'cold' }),
      /as-hello cannot run on container: AssemblyScript compiles to Wasm only/,
    );
  });

  for (const fn of native) {
    const { example, expectedOutput } = fn.manifest.input;
    for (const mode of ['cold', 'warm'] as const) {
      it(`${fn.name} (${mode}) gives the manifest's output, the same as through wasm`, async () => {
        const result = await invoke(fn.name, example, mode);
        assert.equal(result.ok, true, result.error ?? '');
        assert.equal(result.output.replace(/\n$/, ''), expectedOutput);
        const wasm = await engine.invoke(fn.name, 'wasm', { input: example, mode });
        assert.equal(result.output, wasm.output);
        const t = result.timings;
        assert.ok(
          t.startupMs > 0 && (t.execMs ?? -1) >= 0 && (t.teardownMs ?? -1) > 0,
          JSON.stringify(t),
        );
        const phases =
          t.startupMs +
          (t.inputMs ?? 0) +
          (t.execMs ?? 0) +
          (t.outputMs ?? 0) +
          (t.teardownMs ?? 0);
        assert.ok(Math.abs(phases - t.totalMs) < 1e-6, JSON.stringify(t));
        assert.ok(typeof t.inputMs === 'number' && typeof t.outputMs === 'number');
        if (mode === 'cold') {
          for (const phase of ['create', 'start', 'wait', 'remove']) {
            assert.ok(
              (result.phases?.[phase] ?? -1) > 0,
              `phase ${phase}: ${JSON.stringify(result.phases)}`,
            );
          }
        } else {
          assert.ok((result.phases?.roundtrip ?? -1) > 0, JSON.stringify(result.phases));
        }
      });
    }
  }

  it('runs prime-number and c-prime-number on 0 (the thesis grid starts there): 0, cold and warm', async () => {
    for (const name of ['prime-number', 'c-prime-number']) {
      for (const mode of ['cold', 'warm'] as const) {
        const result = await invoke(name, '0', mode);
        assert.equal(result.ok, true, `${name} ${mode}: ${result.error ?? ''}`);
        assert.equal(result.output, '0\n', `${name} ${mode}`);
      }
    }
  });

  it('runs warm invocations in the same container, sandboxed as the manifest says', async () => {
    await invoke('sha256', 'abc', 'warm');
    const docker = runtime.docker;
    const warm = (await containersLabelled(docker, label.key, label.value)).filter(
      (info) =>
        info.Labels['nebula.mode'] === 'warm' && info.Labels['nebula.function'] === 'sha256',
    );
    assert.equal(warm.length, 1);
    const id = warm[0]?.Id ?? '';
    for (let i = 0; i < 3; i++) assert.equal((await invoke('sha256', `x${i}`, 'warm')).ok, true);
    const after = (await containersLabelled(docker, label.key, label.value)).filter(
      (info) =>
        info.Labels['nebula.mode'] === 'warm' && info.Labels['nebula.function'] === 'sha256',
    );
    assert.deepEqual(
      after.map((info) => info.Id),
      [id],
    );
    const inspected = await docker.getContainer(id).inspect();
    const manifest = engine.fn('sha256').manifest;
    const host = inspected.HostConfig;
    assert.equal(inspected.Config.User, '65534:65534');
    assert.equal((inspected.Config as { NetworkDisabled?: boolean }).NetworkDisabled, true);
    assert.equal(host.NetworkMode, 'none');
    assert.equal(host.ReadonlyRootfs, true);
    assert.deepEqual(host.CapDrop, ['ALL']);
    assert.deepEqual(host.SecurityOpt, ['no-new-privileges']);
    assert.equal(host.Memory, manifest.memoryMb * 1024 * 1024);
    assert.equal(host.MemorySwap, manifest.memoryMb * 1024 * 1024);
    assert.equal(host.NanoCpus, manifest.cpus * 1e9);
    // One more pid than the manifest's: the watchdog's own.
    assert.equal(host.PidsLimit, manifest.pids + 1);
    assert.equal(inspected.Config.Labels['nebula.session'], runtime.sessionId);
  });

  for (const mode of ['cold', 'warm'] as const) {
    it(`reports bad input, a crash and an exit code clearly (${mode})`, async () => {
      const bad = await invoke('fibonacci-recursive', 'abc', mode);
      assert.equal(bad.failure, 'bad-input');
      assert.equal(bad.exitCode, 2);
      assert.match(bad.error ?? '', /expected an integer/);
      const trap = await invoke('faulty', 'trap', mode);
      assert.equal(trap.failure, 'trap');
      assert.match(trap.error ?? '', /crashed \(SIG[A-Z]+\).*trap requested/);
      const exit = await invoke('faulty', 'exit 3', mode);
      assert.deepEqual([exit.failure, exit.exitCode], ['exit', 3]);
    });

    it(`kills a function at the manifest timeout, then keeps working (${mode})`, async () => {
      const result = await invoke('faulty', 'loop', mode);
      assert.equal(result.ok, false);
      assert.equal(result.failure, 'timeout');
      assert.match(
        result.error ?? '',
        /timed out after 2000 ms; the (container|function) was killed/,
      );
      const next = await invoke('faulty', 'ok', mode);
      assert.equal(next.output, 'ok\n', next.error ?? '');
    });

    it(`reports an out-of-memory kill as such, then keeps working (${mode})`, async () => {
      const result = await invoke('faulty', 'oom', mode);
      assert.equal(result.failure, 'out-of-memory', result.error ?? '');
      assert.match(result.error ?? '', /ran out of memory \(limit 32 MiB\)/);
      const next = await invoke('faulty', 'ok', mode);
      assert.equal(next.output, 'ok\n', next.error ?? '');
    });

    it(`stops a running invocation when aborted (${mode})`, async () => {
      const controller = new AbortController();
      const pending = invoke('faulty', 'loop', mode, controller.signal);
      setTimeout(() => controller.abort(), 700);
      const result = await pending;
      assert.equal(result.failure, 'aborted');
    });
  }

  it('queues concurrent warm invocations of one function and answers each', async () => {
    const inputs = ['1', '2', '3', '4', '5', '6'];
    const results = await Promise.all(inputs.map((input) => invoke('factorial', input, 'warm')));
    assert.deepEqual(
      results.map((r) => r.output.trim()),
      ['1', '2', '6', '24', '120', '720'],
    );
  });

  it('replaces a warm container that died between invocations', async () => {
    assert.equal((await invoke('hello', '', 'warm')).ok, true);
    const docker = runtime.docker;
    const [warm] = (await containersLabelled(docker, label.key, label.value)).filter(
      (info) => info.Labels['nebula.mode'] === 'warm' && info.Labels['nebula.function'] === 'hello',
    );
    assert.ok(warm, 'no warm container for hello');
    await docker.getContainer(warm.Id).kill();
    const gone = await eventually(async () =>
      (await containersLabelled(docker, label.key, label.value)).every(
        (info) => info.Id !== warm.Id,
      ),
    );
    assert.ok(gone, 'the killed container was not removed by the engine');
    const next = await invoke('hello', '', 'warm');
    assert.equal(next.ok, true, next.error ?? '');
    assert.ok((next.phases?.containerStart ?? 0) > 0, 'no new container was started');
  });

  it('stops its warm containers on close, and works again afterwards', async () => {
    assert.equal((await invoke('hello', '', 'warm')).ok, true);
    await runtime.close();
    const left = await containersLabelled(runtime.docker, label.key, label.value);
    assert.deepEqual(
      left.map((info) => info.Labels['nebula.mode']),
      [],
    );
    assert.equal((await invoke('hello', '', 'warm')).ok, true);
  });
});
