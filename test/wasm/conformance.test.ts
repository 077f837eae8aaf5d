/**
 * The direct bindings against jco's own glue, on modules from three toolchains (Rust, C,
 * AssemblyScript) and one written by hand with an unusual import shape
 * (test/fixtures/conformance): same stdout, same exit code, same kind of failure, for every
 * command. wasm-p1 (node:wasi) runs the same preview1 modules as a third opinion, shown in
 * the table; its exit codes are the function's own (the adapter maps non-zero to 1).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  componentEmbed,
  componentNew,
  parse,
  preview1AdapterCommandPath,
} from '@bytecodealliance/jco';
import { type FunctionEntry, loadFunction } from '../../source/catalog/catalog.js';
import type { InvocationResult } from '../../source/core/invocation.js';
import { ComponentRuntime } from '../../source/runtimes/wasm/component-runtime.js';
import { Preview1Runtime } from '../../source/runtimes/wasm/preview1-runtime.js';
import { glueFallback } from '../../source/runtimes/wasm/transpile.js';

const MODULES = ['rust-probe', 'c-probe', 'as-probe'];

/** Each command with what every runtime must print (the sandbox's answers). */
const COMMANDS: Array<{ input: string; stdout: (name: string) => string; failure: string | null }> =
  [
    { input: 'echo hi there', stdout: () => 'hi there', failure: null },
    { input: 'stderr', stdout: () => 'out\n', failure: null },
    { input: 'exit 0', stdout: () => 'exiting\n', failure: null },
    { input: 'exit 3', stdout: () => 'exiting\n', failure: 'exit' },
    { input: 'clock', stdout: () => 'monotonic ok\nrealtime ok\n', failure: null },
    { input: 'random', stdout: () => 'random ok\n', failure: null },
    { input: 'args', stdout: (name) => `args 1 ${name}\n`, failure: null },
    { input: 'env', stdout: () => 'env 0\n', failure: null },
    { input: 'file', stdout: () => 'file refused\n', failure: null },
    { input: 'trap', stdout: () => 'trapping\n', failure: 'trap' },
    { input: 'bogus', stdout: () => '', failure: 'bad-input' },
  ];

const direct = new ComponentRuntime();
const glue = new ComponentRuntime(1, { jcoGlue: true });
const preview1 = new Preview1Runtime();
const scratch = mkdtempSync(join(tmpdir(), 'nebula-conformance-'));
after(async () => {
  await Promise.all([direct.close(), glue.close(), preview1.close()]);
  rmSync(scratch, { recursive: true, force: true });
});

// From dist/test/wasm/ back to the committed fixtures.
const CONFORMANCE = fileURLToPath(new URL('../../../test/fixtures/conformance/', import.meta.url));
const fixture = (name: string): FunctionEntry => loadFunction(join(CONFORMANCE, name));

/**
 * A command component made without the preview1 adapter: its one core module imports WASI 0.2
 * through the canonical ABI itself (as wasm32-wasip2 toolchains do) and exports its own
 * cabi_realloc and wasi:cli/run. Made here with jco's public API from text.
 */
async function nativePreview2Component(): Promise<FunctionEntry> {
  const core = await parse(`(module
    (import "wasi:cli/stdout@0.2.0" "get-stdout" (func $get_stdout (result i32)))
    (import "wasi:io/streams@0.2.0" "[method]output-stream.blocking-write-and-flush"
      (func $write (param i32 i32 i32 i32)))
    (import "wasi:io/streams@0.2.0" "[resource-drop]output-stream" (func $drop (param i32)))
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 4096))
    (data (i32.const 64) "native p2\\0a")
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $heap))
      (global.set $heap (i32.add (global.get $heap) (local.get 3)))
      (local.get $p))
    (func (export "wasi:cli/run@0.2.0#run") (result i32)
      (local $out i32)
      (local.set $out (call $get_stdout))
      (call $write (local.get $out) (i32.const 64) (i32.const 10) (i32.const 128))
      (call $drop (local.get $out))
      (i32.const 0)))`);
  const wit = `package local:probe;
package wasi:io@0.2.0 {
  interface error { resource error; }
  interface streams {
    use error.{error};
    variant stream-error { last-operation-failed(error), closed }
    resource output-stream {
      blocking-write-and-flush: func(contents: list<u8>) -> result<_, stream-error>;
    }
  }
}
package wasi:cli@0.2.0 {
  interface stdout {
    use wasi:io/streams@0.2.0.{output-stream};
    get-stdout: func() -> output-stream;
  }
  interface run { run: func() -> result; }
}
world w {
  import wasi:cli/stdout@0.2.0;
  export wasi:cli/run@0.2.0;
}
`;
  const embedded = await componentEmbed({ binary: core, witSource: wit, world: 'w' });
  return fixtureFrom('native-p2', await componentNew(embedded, []));
}

/** A deployed function made of `component` alone, in the scratch folder. */
async function fixtureFrom(name: string, component: Uint8Array): Promise<FunctionEntry> {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'build'), { recursive: true });
  writeFileSync(join(dir, 'build', `${name}.component.wasm`), component);
  const manifest = JSON.parse(
    readFileSync(join(CONFORMANCE, 'wat-shapes', 'function.json'), 'utf8'),
  );
  writeFileSync(
    join(dir, 'function.json'),
    JSON.stringify({ ...manifest, name, language: 'wasm' }),
  );
  const fn = loadFunction(dir);
  await direct.deploy(fn);
  return fn;
}

const outcome = (r: InvocationResult) =>
  r.ok ? `ok ${r.exitCode}` : `${r.failure} ${r.exitCode ?? '-'}`;

describe('conformance of the direct bindings with jco glue', { timeout: 300_000 }, () => {
  const rows: string[] = [];
  before(async () => {
    for (const name of [...MODULES, 'wat-shapes']) await direct.deploy(fixture(name));
  });
  after(() => {
    console.log(
      [
        '| module | command | wasm (direct) | wasm (jco glue) | wasm-p1 | verdict |',
        '|---|---|---|---|---|---|',
        ...rows,
      ].join('\n'),
    );
  });

  for (const name of MODULES) {
    it(`${name}: deploy chose the direct bindings`, () => {
      assert.equal(glueFallback(fixture(name)), null);
    });
    for (const command of COMMANDS) {
      it(`${name} ${command.input}: same stdout, exit and failure kind`, async () => {
        const fn = fixture(name);
        for (const mode of ['cold', 'warm'] as const) {
          const request = { input: command.input, mode };
          const a = await direct.invoke(fn, request);
          const b = await glue.invoke(fn, request);
          const c = await preview1.invoke(fn, request);
          const same =
            a.output === b.output && a.exitCode === b.exitCode && a.failure === b.failure;
          if (mode === 'warm') {
            rows.push(
              `| ${name} | ${command.input} | ${outcome(a)} | ${outcome(b)} | ${outcome(c)} | ${same ? 'pass' : `stdout ${JSON.stringify(a.output)} vs ${JSON.stringify(b.output)}`} |`,
            );
          }
          assert.equal(a.output, b.output, `stdout, ${mode}`);
          assert.equal(a.exitCode, b.exitCode, `exit code, ${mode}`);
          assert.equal(a.failure, b.failure, `failure kind, ${mode}`);
          // Agreeing is not enough: both must give the sandbox's answer.
          assert.equal(a.output, command.stdout(name), `stdout of the direct bindings, ${mode}`);
          assert.equal(a.failure, command.failure, `failure of the direct bindings, ${mode}`);
          assert.equal(c.output, command.stdout(name), `stdout on wasm-p1, ${mode}`);
          if (command.input === 'stderr') assert.equal(a.stderr, b.stderr);
        }
      });
    }
  }

  it('a component with no preview1 adapter at all (built for WASI 0.2 directly) runs on the direct bindings', async () => {
    const fn = await nativePreview2Component();
    assert.equal(glueFallback(fn), null);
    for (const mode of ['cold', 'warm'] as const) {
      const a = await direct.invoke(fn, { input: '', mode });
      const b = await glue.invoke(fn, { input: '', mode });
      rows.push(
        `| wasi-0.2 component (no adapter) | write ${mode} | ${outcome(a)} | ${outcome(b)} | n/a | ${a.output === b.output && a.exitCode === b.exitCode ? 'pass' : 'differs'} |`,
      );
      assert.equal(a.output, 'native p2\n', a.error ?? '');
      assert.deepEqual([b.output, b.exitCode, b.failure], [a.output, a.exitCode, a.failure]);
    }
  });

  it('a component needing a function the bindings lack falls back to the glue at deploy, and runs', async () => {
    // poll_oneoff makes the adapter import wasi:io/poll, which the direct bindings do not provide.
    const module = await parse(`(module
      (import "wasi_snapshot_preview1" "poll_oneoff" (func (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 64) "polled\\0a")
      (func (export "_start")
        (i32.store (i32.const 0) (i32.const 64))
        (i32.store (i32.const 4) (i32.const 7))
        (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`);
    const adapter = readFileSync(preview1AdapterCommandPath());
    const fn = await fixtureFrom(
      'polls',
      await componentNew(module, [['wasi_snapshot_preview1', adapter]]),
    );
    assert.match(
      glueFallback(fn) ?? '',
      /wasi:(io|clocks)\/\S+, which the direct bindings do not provide/,
    );
    for (const mode of ['cold', 'warm'] as const) {
      const result = await direct.invoke(fn, { input: '', mode });
      rows.push(
        `| polls (needs wasi:io/poll) | write ${mode} | ${outcome(result)} (jco glue, chosen at deploy) | - | - | ${result.ok ? 'pass' : 'fails'} |`,
      );
      assert.equal(result.ok, true, result.error ?? '');
      assert.equal(result.output, 'polled\n');
    }
  });

  it('wat-shapes (fd_write imported twice, in an odd order) runs on the direct bindings', async () => {
    const fn = fixture('wat-shapes');
    assert.equal(glueFallback(fn), null);
    for (const mode of ['cold', 'warm'] as const) {
      const a = await direct.invoke(fn, { input: 'in and out', mode });
      const b = await glue.invoke(fn, { input: 'in and out', mode });
      rows.push(
        `| wat-shapes | (stdin) ${mode} | ${outcome(a)} | ${outcome(b)} | - | ${a.output === b.output && a.stderr === b.stderr ? 'pass' : 'differs'} |`,
      );
      assert.equal(a.ok, true, a.error ?? '');
      assert.equal(a.output, 'in and out');
      assert.equal(a.stderr, 'shapes');
      assert.deepEqual([b.output, b.stderr, b.exitCode], [a.output, a.stderr, a.exitCode]);
    }
  });
});
