/**
 * Runtime variants against the real engine: Docker's none network, the docker run CLI, a
 * Debian base image, the bridge network when the engine has one; Wasm from a compiled module.
 * Each run is checked for its output, its variant name and its peak memory.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UsageError } from '../../source/core/errors.js';
import type { InvocationResult } from '../../source/core/invocation.js';
import { Engine } from '../../source/engine/engine.js';
import { cliArgs, dockerCliVersion } from '../../source/runtimes/container/cli-run.js';
import { ImageSizes } from '../../source/runtimes/container/image-sizes.js';
import { ContainerRuntime } from '../../source/runtimes/container/index.js';
import { sandboxConfig } from '../../source/runtimes/container/sandbox.js';
import { containerVariant } from '../../source/runtimes/variants.js';
import { engineClient, removeLeftBehind, requireEngine, testLabel } from './helpers.js';

const label = testLabel();
const engine = new Engine();
const runtimes: ContainerRuntime[] = [];

async function variantRuntime(variant: string): Promise<ContainerRuntime> {
  const runtime = await ContainerRuntime.create({
    labels: label.labels,
    variant: containerVariant(variant),
  });
  runtimes.push(runtime);
  return runtime;
}

function assertFib20(result: InvocationResult, variant: string): void {
  assert.equal(result.ok, true, result.error ?? '');
  assert.equal(result.output, '6765\n');
  assert.equal(result.variant, variant);
  assert.ok(result.timings.startupMs > 0 && (result.timings.execMs ?? -1) >= 0);
  assert.match(result.memory?.source ?? '', /^cgroup-v[12]$/, JSON.stringify(result.memory));
  assert.ok((result.memory?.peakBytes ?? 0) > 100_000, 'a peak of at least 100 kB');
}

/** Runs with PATH pointing at an empty folder: no `docker` command to find. */
async function withoutDockerCli<T>(run: () => Promise<T> | T): Promise<T> {
  const empty = mkdtempSync(join(tmpdir(), 'nebula-no-cli-'));
  const saved = process.env.PATH;
  process.env.PATH = empty;
  try {
    return await run();
  } finally {
    process.env.PATH = saved;
    rmSync(empty, { recursive: true, force: true });
  }
}

describe('sandbox settings of each network variant', () => {
  const { manifest } = engine.fn('hello');
  it('disabled: no libnetwork sandbox at all (the default)', () => {
    const config = sandboxConfig(manifest);
    assert.equal(config.NetworkDisabled, true);
    assert.equal(config.HostConfig?.NetworkMode, 'none');
  });
  it('none and bridge: what docker run --network sends', () => {
    assert.equal(sandboxConfig(manifest, { net: 'none' }).NetworkDisabled, undefined);
    assert.equal(sandboxConfig(manifest, { net: 'none' }).HostConfig?.NetworkMode, 'none');
    assert.equal(sandboxConfig(manifest, { net: 'bridge' }).HostConfig?.NetworkMode, 'bridge');
  });
  it('the CLI gets the same sandbox as the Engine API', () => {
    const args = cliArgs(engine.fn('hello'), 'img:1', 'n1', { a: 'b' }, 'none', '/p/1').join(' ');
    for (const flag of [
      'run --rm -i --name n1 --network none',
      '--user 65534:65534 --read-only --cap-drop ALL',
      '--security-opt no-new-privileges',
      `--memory ${manifest.memoryMb}m --memory-swap ${manifest.memoryMb}m`,
      `--pids-limit ${manifest.pids}`,
      '--cgroup-parent /p/1',
      '--label a=b img:1',
    ]) {
      assert.ok(args.includes(flag), `${flag} in ${args}`);
    }
  });
});

describe('variants against the real engine', { timeout: 600_000 }, () => {
  before(async () => {
    await requireEngine();
    // The base image is built here when missing (debootstrap, about 30 s the first time).
    for (const variant of ['', 'net=none', 'net=none,client=cli', 'base=debian']) {
      const runtime = await variantRuntime(variant);
      await runtime.deploy(engine.fn('fibonacci-recursive'));
    }
  });

  after(async () => {
    await Promise.allSettled(runtimes.map((runtime) => runtime.close()));
    await engine.close();
    await removeLeftBehind(label);
  });

  it('runs cold on Docker’s none network, through the CLI and on a Debian base', async () => {
    const fn = engine.fn('fibonacci-recursive');
    for (const runtime of runtimes) {
      const result = await runtime.invoke(fn, { input: '20', mode: 'cold' });
      assertFib20(result, runtime.variant || (undefined as unknown as string));
    }
  });

  it('a warm container gives each request its peak (cgroup v1), or says why not', async () => {
    const [defaults] = runtimes;
    const fn = engine.fn('fibonacci-recursive');
    for (let i = 0; i < 2; i++) {
      const result = await (defaults as ContainerRuntime).invoke(fn, { input: '20', mode: 'warm' });
      assert.equal(result.output, '6765\n', result.error ?? '');
      const memory = result.memory;
      if (memory?.source === 'cgroup-v1') assert.ok((memory.peakBytes ?? 0) > 100_000);
      else assert.match(memory?.note ?? '', /cgroup v2|not on this machine|driver/);
    }
  });

  it('the Debian image is far larger than the scratch one', async () => {
    const fn = engine.fn('fibonacci-recursive');
    const sizes = new ImageSizes();
    const small = (await sizes.size(fn, 'scratch')) ?? 0;
    const large = (await sizes.size(fn, 'debian')) ?? 0;
    assert.ok(small > 0 && large > 10 * small, `scratch ${small} B, debian ${large} B`);
  });

  it('the CLI variant says clearly when there is no docker command', async () => {
    assert.match(dockerCliVersion(), /Docker version/);
    await withoutDockerCli(() =>
      assert.throws(() => dockerCliVersion(), /no `docker` command on PATH.*client=api/),
    );
    const fresh = new Engine();
    try {
      await withoutDockerCli(() =>
        assert.rejects(
          fresh.invoke('hello', 'container', {
            input: '',
            mode: 'cold',
            variant: 'client=cli,net=none',
          }),
          (error: Error) =>
            error instanceof UsageError && /no `docker` command/.test(error.message),
        ),
      );
    } finally {
      await fresh.close();
    }
  });

  it('refuses what cannot be: the CLI without networking, a variant of a warm start', async () => {
    await assert.rejects(
      engine.invoke('hello', 'container', { input: '', mode: 'cold', variant: 'client=cli' }),
      /client=cli cannot disable networking/,
    );
    await assert.rejects(
      engine.invoke('hello', 'container', { input: '', mode: 'warm', variant: 'net=none' }),
      /with --mode cold/,
    );
    await assert.rejects(
      engine.invoke('hello', 'container', { input: '', mode: 'cold', variant: 'net=host' }),
      /net must be one of/,
    );
  });

  it('runs on the bridge when the engine has one, else says how to start one', async () => {
    const docker = engineClient();
    const hasBridge = (await docker.listNetworks()).some((network) => network.Name === 'bridge');
    const run = engine.invoke('fibonacci-recursive', 'container', {
      input: '20',
      mode: 'cold',
      variant: 'net=bridge',
    });
    if (hasBridge) assertFib20(await run, 'net=bridge');
    else await assert.rejects(run, /has no bridge network.*dockerd\.sh start --bridge/);
  });

  it('Wasm starts from a compiled module and reports its linear memory', async () => {
    for (const runtime of ['wasm', 'wasm-p1']) {
      const result = await engine.invoke('fibonacci-recursive', runtime, {
        input: '20',
        mode: 'cold',
        variant: 'load=precompiled',
      });
      assert.equal(result.ok, true, result.error ?? '');
      assert.equal(result.output, '6765\n');
      assert.equal(result.variant, 'load=precompiled');
      assert.equal(result.memory?.source, 'wasm-linear');
      const peak = result.memory?.peakBytes ?? 0;
      assert.ok(peak > 0 && peak % 65536 === 0, `whole Wasm pages, got ${peak}`);
    }
  });
});
