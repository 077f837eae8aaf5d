/**
 * A function imported again under its name, and files no import should ever read: the new
 * module runs at once on both Wasm runtimes, warm and cold, in the engine that ran the old one
 * (its workers keep no module, plan or glue of the old contents); special files, oversized
 * names and modules whose memory starts over their limit are refused with the reason.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from '@bytecodealliance/jco';
import { defaultFunctionsDir } from '../../source/catalog/catalog.js';
import { Engine } from '../../source/engine/engine.js';
import { ImportError } from '../../source/engine/import-wasm.js';

const CONFORMANCE = fileURLToPath(new URL('../../../test/fixtures/conformance/', import.meta.url));
const probe = (name: string) => join(CONFORMANCE, name, 'build', `${name}.wasm`);
const scratch = mkdtempSync(join(tmpdir(), 'nebula-again-'));
const functionsDir = join(scratch, 'functions');
cpSync(join(defaultFunctionsDir(), 'hello'), join(functionsDir, 'hello'), { recursive: true });
const engine = new Engine({ functionsDir });
after(async () => {
  await engine.close();
  rmSync(scratch, { recursive: true, force: true });
});

const refusedWith = async (request: Parameters<Engine['importWasm']>[0], pattern: RegExp) => {
  await assert.rejects(engine.importWasm(request), (error: Error) => {
    assert.ok(error instanceof ImportError, error.stack);
    assert.match(error.message, pattern);
    return true;
  });
};

describe('importing a function again', { timeout: 120_000 }, () => {
  it('runs the new module at once on wasm and wasm-p1, warm and cold', async () => {
    await engine.importWasm({ path: probe('c-probe'), name: 'again' });
    for (const runtime of ['wasm', 'wasm-p1']) {
      const first = await engine.invoke('again', runtime, { input: 'args', mode: 'warm' });
      assert.equal(first.output, 'args 1 again\n', `${runtime}: ${first.error}`);
    }
    // Another toolchain's module: other WASI imports, another plan, other core modules.
    await engine.importWasm({ path: probe('wat-shapes'), name: 'again' });
    for (const runtime of ['wasm', 'wasm-p1']) {
      for (const mode of ['warm', 'cold'] as const) {
        const result = await engine.invoke('again', runtime, { input: 'args', mode });
        assert.equal(result.ok, true, `${runtime} ${mode}: ${result.error}`);
        assert.equal(result.output, 'args', `${runtime} ${mode} ran the module it replaced`);
      }
    }
  });
});

describe('a module that writes no timing marks', { timeout: 120_000 }, () => {
  it('has its compute and teardown unknown (null), not 0: all of it is startup', async () => {
    // wat-shapes is hand-written and prints no @nebula marks.
    await engine.importWasm({ path: probe('wat-shapes'), name: 'unmarked' });
    for (const runtime of ['wasm', 'wasm-p1']) {
      for (const mode of ['cold', 'warm'] as const) {
        const { ok, timings, error } = await engine.invoke('unmarked', runtime, {
          input: 'x',
          mode,
        });
        assert.equal(ok, true, error ?? '');
        assert.equal(timings.execMs, null, `${runtime} ${mode} compute`);
        assert.equal(timings.teardownMs, null, `${runtime} ${mode} teardown`);
        assert.equal(timings.startupMs, timings.totalMs);
      }
    }
  });
});

describe('what an import never reads', { timeout: 60_000 }, () => {
  it('refuses /dev/zero as a character device, at once', async () => {
    await refusedWith({ path: '/dev/zero', name: 'zero' }, /\/dev\/zero is a character device/);
  });

  it('refuses a FIFO nobody writes to, and `nebula deploy --wasm` on one exits 2', async () => {
    const fifo = join(scratch, 'pipe.wasm');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo is needed for this test');
    await refusedWith(
      { path: fifo, name: 'pipe' },
      /is a FIFO \(named pipe\); give a regular file/,
    );
    const cli = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
    const child = spawn(process.execPath, [cli, 'deploy', '--wasm', fifo, '--name', 'pipe'], {
      env: { ...process.env, NEBULA_FUNCTIONS_DIR: functionsDir },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 2, stderr);
    assert.match(stderr, /FIFO/);
  });

  it('refuses a name too long for a folder with the bound, not ENAMETOOLONG', async () => {
    await refusedWith(
      { path: probe('c-probe'), name: `a${'b'.repeat(299)}` },
      /--name is 300 characters long; use at most 64/,
    );
  });

  it('refuses a module whose memory starts over its limit, naming both', async () => {
    const big = await parse(`(module
      (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
      (memory (export "memory") 32)
      (func (export "_start")))`);
    const path = join(scratch, 'big.wasm');
    writeFileSync(path, big);
    await refusedWith(
      { path, name: 'big', memoryMb: 1 },
      /needs 2048 KiB of memory at start, more than its limit of 1024 KiB; give a larger --memory-mb/,
    );
    assert.throws(() => engine.fn('big'), /unknown function/);
  });
});
