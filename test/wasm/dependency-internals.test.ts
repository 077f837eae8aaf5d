/**
 * What the `wasm` runtime takes from jco and preview2-shim beyond their documented API: the
 * shim's browser build loaded by path (shim-files.ts), one call in jco's generated glue that
 * transpile.ts patches, and the glue's `instantiateCore` parameter that command-plan.ts
 * watches. Both packages are pinned to exact versions in package.json; each test here names
 * what changed, so updating either package fails loudly instead of silently.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { transpile } from '@bytecodealliance/jco';
import { defaultFunctionsDir, loadFunction } from '../../source/catalog/catalog.js';
import { planCommand } from '../../source/runtimes/wasm/command-plan.js';
import {
  SHIM_BROWSER_FILES,
  SHIM_PACKAGE,
  shimBrowserUrl,
} from '../../source/runtimes/wasm/shim-files.js';
import { PATCHED_CALL, patchGlue } from '../../source/runtimes/wasm/transpile.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const JCO = '@bytecodealliance/jco';
const scratch = mkdtempSync(join(tmpdir(), 'nebula-internals-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The installed version, read beside the package's resolved entry. */
function installedVersion(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  while (
    !existsSync(join(dir, 'package.json')) ||
    readJson(join(dir, 'package.json')).name !== name
  ) {
    dir = dirname(dir);
  }
  return readJson(join(dir, 'package.json')).version;
}

function readJson(path: string) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('what the wasm runtime relies on in jco and preview2-shim', { timeout: 60_000 }, () => {
  it('pins both packages to exact versions, and those are the ones installed', () => {
    const { dependencies } = readJson(join(ROOT, 'package.json'));
    for (const name of [JCO, SHIM_PACKAGE]) {
      const pin = dependencies[name];
      assert.match(
        pin,
        /^\d+\.\d+\.\d+$/,
        `${name} must be pinned to an exact version, not "${pin}"`,
      );
      assert.equal(
        installedVersion(name),
        pin,
        `${name} ${installedVersion(name)} is installed but ${pin} is pinned (run npm ci)`,
      );
    }
  });

  it("finds preview2-shim's browser build by path, with the exports the runtime uses", async () => {
    const url = shimBrowserUrl();
    for (const file of SHIM_BROWSER_FILES) {
      assert.ok(
        existsSync(new URL(file, url)),
        `${SHIM_PACKAGE} no longer has ${file} at ${url.pathname}: update shim-files.ts and component-exec.ts`,
      );
    }
    const load = (file: string) => import(new URL(file, url).href);
    const [cli, io, clocks, filesystem, random] = await Promise.all(SHIM_BROWSER_FILES.map(load));
    const expect = (module: object, names: string[], file: string) => {
      for (const name of names) {
        assert.ok(name in module, `${SHIM_PACKAGE} browser/${file} no longer exports ${name}`);
      }
    };
    expect(cli, ['createCli'], 'cli.js');
    expect(io, ['error', 'streams', 'poll', 'pollableCreate'], 'io.js');
    expect(clocks, ['monotonicClock', 'wallClock'], 'clocks.js');
    expect(filesystem, ['types'], 'filesystem.js');
    expect(random, ['random', 'insecure', 'insecureSeed'], 'random.js');

    // The hooks the runtime gives createCli, and exit throwing (not calling process.exit).
    const written: number[] = [];
    const c = cli.createCli({
      arguments: ['probe'],
      environment: {},
      stdin: { blockingRead: () => new Uint8Array([7]), subscribe: () => io.pollableCreate() },
      stdout: {
        checkWrite: () => 1024n,
        write: (b: Uint8Array) => written.push(...b),
        blockingFlush() {},
      },
      stderr: { checkWrite: () => 1024n, write() {}, blockingFlush() {} },
    });
    c.stdout.getStdout().blockingWriteAndFlush(new Uint8Array([1, 2]));
    assert.deepEqual(written, [1, 2], 'createCli no longer routes stdout to the given hook');
    assert.deepEqual(
      [...c.stdin.getStdin().blockingRead(1n)],
      [7],
      'createCli no longer reads stdin from the given hook',
    );
    assert.throws(
      () => c.exit.exitWithCode(3),
      (error: { exitError?: boolean; code?: number }) =>
        error.exitError === true && error.code === 3,
      'exit no longer throws { exitError, code }',
    );
  });

  it("jco's glue still has the call transpile.ts patches and the instantiateCore parameter", async () => {
    const hello = loadFunction(join(defaultFunctionsDir(), 'hello'));
    const { files } = await transpile(readFileSync(hello.componentPath), {
      name: 'hello',
      instantiation: 'sync',
      noTypescript: true,
      quiet: true,
    });
    const glue = Buffer.from(files['hello.js'] as Uint8Array).toString('utf8');
    assert.ok(
      glue.includes(PATCHED_CALL),
      `jco's glue no longer calls ${PATCHED_CALL}: patchGlue in transpile.ts patches nothing; check what the glue does instead`,
    );
    assert.ok(
      !patchGlue(glue).includes(`= ${PATCHED_CALL}`),
      'an unguarded call survives the patch',
    );
    assert.match(
      glue,
      /export function instantiate\(getCoreModule, imports, instantiateCore\b/,
      "jco's glue no longer takes instantiateCore: command-plan.ts cannot watch the wiring",
    );
  });

  it('learns a plan for the direct bindings from this jco version', async () => {
    const { transpileFunction } = await import('../../source/runtimes/wasm/transpile.js');
    const { cpSync } = await import('node:fs');
    const copy = join(scratch, 'hello');
    cpSync(join(defaultFunctionsDir(), 'hello'), copy, { recursive: true });
    rmSync(join(copy, 'build', 'jco'), { recursive: true, force: true });
    const fn = loadFunction(copy);
    const outcome = await transpileFunction(fn);
    assert.ok('plan' in outcome, `no plan: ${'fallback' in outcome ? outcome.fallback : ''}`);
    const again = await planCommand(join(copy, 'build', 'jco'), 'hello.js');
    assert.deepEqual(again, outcome);
  });
});
