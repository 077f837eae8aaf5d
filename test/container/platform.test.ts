import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadFunction } from '../../source/catalog/catalog.js';
import { NATIVE_ARCH, nodePlatform, type Platform } from '../../source/core/platform.js';
import { Engine } from '../../source/engine/engine.js';
import { ContainerRuntime } from '../../source/runtimes/container/index.js';
import { engineClient, removeLeftBehind, requireEngine, testLabel } from './helpers.js';

// The platform this machine is not: arm64 images on an x86_64 engine (the emulated Pi), or
// the reverse on a Pi. qemu-user through binfmt_misc runs them (scripts/binfmt.sh ensure).
const host = nodePlatform();
const other: Platform = host === 'linux/arm64' ? 'linux/amd64' : 'linux/arm64';
const otherArch = NATIVE_ARCH[other];
const ELF_MACHINE: Record<string, number> = { x86_64: 0x3e, aarch64: 0xb7 };

/** The CI sets NEBULA_NO_EMULATION (with the reason) only where the kernel cannot emulate. */
const skip = process.env.NEBULA_NO_EMULATION ?? false;

const label = testLabel();
const engine = new Engine();
let runtime: ContainerRuntime;
const scratch = mkdtempSync(join(tmpdir(), 'nebula-platform-'));

/** The bytes of one file inside an image, through a container that is created, never started. */
async function fileInImage(image: string, path: string): Promise<Buffer> {
  const docker = engineClient();
  const container = await docker.createContainer({
    Image: image,
    Labels: label.labels,
    platform: other,
  });
  try {
    const archive = (await container.getArchive({ path })) as unknown as NodeJS.ReadableStream;
    const chunks: Buffer[] = [];
    for await (const chunk of archive) chunks.push(chunk as Buffer);
    const tar = Buffer.concat(chunks);
    const size = Number.parseInt(tar.subarray(124, 136).toString('ascii').trim(), 8);
    return tar.subarray(512, 512 + size);
  } finally {
    await container.remove({ force: true });
  }
}

describe(`container images for ${other} on this ${host} machine, with the real engine`, {
  skip,
  timeout: 300_000,
}, () => {
  before(requireEngine);
  before(async () => {
    const probe = engine.fn('hello').dir;
    const run = spawnSync(join(probe, 'build', `hello.${otherArch}`), { input: '' });
    assert.equal(
      run.status,
      0,
      `${otherArch} binaries do not run here (${run.error?.message ?? `exit ${run.status}`}); register qemu with: bash scripts/binfmt.sh ensure`,
    );
    runtime = await ContainerRuntime.create({ labels: label.labels, platform: other });
  });

  after(async () => {
    await runtime?.close();
    await engine.close();
    rmSync(scratch, { recursive: true, force: true });
    await removeLeftBehind(label);
  });

  it('builds an image recorded as that platform, holding binaries of its architecture', async () => {
    const fn = engine.fn('fibonacci-recursive');
    const { tag } = await runtime.build(fn);
    const info = await engineClient().getImage(tag).inspect();
    assert.equal(`${info.Os}/${info.Architecture}`, other);
    assert.equal(info.Config.Labels?.['nebula.platform'], other);
    for (const path of ['/function', '/nebula-watchdog']) {
      const elf = await fileInImage(tag, path);
      assert.equal(elf.subarray(0, 4).toString('latin1'), '\x7fELF', path);
      assert.equal(elf.readUInt16LE(18), ELF_MACHINE[otherArch], `${path} is not ${otherArch}`);
    }
  });

  it('answers the example cold and warm through an engine for that platform, labelled emulated', async () => {
    const platformEngine = new Engine({ dockerPlatform: other });
    try {
      const fn = platformEngine.fn('fibonacci-recursive');
      const { example, expectedOutput } = fn.manifest.input;
      await (await platformEngine.runtime('container')).deploy(fn);
      for (const mode of ['cold', 'warm', 'warm'] as const) {
        const result = await platformEngine.invoke(fn.name, 'container', { input: example, mode });
        assert.equal(result.ok, true, result.error ?? '');
        assert.equal(result.output.trim(), expectedOutput, mode);
        assert.match(
          result.emulated ?? '',
          new RegExp(`${other} images under qemu on a ${host} Docker engine`),
        );
      }
    } finally {
      await platformEngine.close();
    }
  });

  it('names the function, the platform and the fix when a binary is missing', async () => {
    const dir = join(scratch, 'hello');
    cpSync(engine.fn('hello').dir, dir, { recursive: true });
    rmSync(join(dir, 'build', `hello.${otherArch}`));
    const fn = loadFunction(dir);
    await assert.rejects(runtime.build(fn), (error: Error) => {
      assert.match(
        error.message,
        new RegExp(
          `^hello has no native binary for ${other} \\(.*hello\\.${otherArch} is missing\\)`,
        ),
      );
      assert.match(error.message, /npm run build:functions/);
      return true;
    });
    assert.equal(await runtime.isDeployed(fn), false);
  });
});
