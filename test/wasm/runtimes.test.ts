import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Engine } from '../../source/engine/engine.js';

const engine = new Engine();
after(() => engine.close());

for (const runtime of ['wasm', 'wasm-p1'] as const) {
  describe(`runtime ${runtime}`, { timeout: 120_000 }, () => {
    for (const fn of engine.catalog.functions.filter((f) => f.origin === 'built-in')) {
      const { example, expectedOutput } = fn.manifest.input;
      for (const mode of ['cold', 'warm'] as const) {
        it(`${fn.name} (${mode}) gives the manifest's expected output`, async () => {
          const result = await engine.invoke(fn.name, runtime, { input: example, mode });
          assert.equal(result.ok, true, result.error ?? '');
          assert.equal(result.output.replace(/\n$/, ''), expectedOutput);
          assert.equal(result.exitCode, 0);
          const t = result.timings;
          assert.ok(
            t.startupMs > 0 && (t.execMs ?? -1) >= 0 && (t.teardownMs ?? -1) >= 0,
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
        });
      }
    }

    it('prime-number and its C and AssemblyScript twins take 0, where the thesis grid starts, and give 0', async () => {
      for (const name of ['prime-number', 'c-prime-number', 'as-prime-number']) {
        for (const mode of ['cold', 'warm'] as const) {
          const result = await engine.invoke(name, runtime, { input: '0', mode });
          assert.equal(result.ok, true, `${name} ${mode}: ${result.error ?? ''}`);
          assert.equal(result.output, '0\n', `${name} ${mode}`);
        }
        const next = await engine.invoke(name, runtime, { input: '1', mode: 'warm' });
        assert.equal(next.output, '2\n', name);
        const over = await engine.invoke(name, runtime, { input: '200001', mode: 'warm' });
        assert.equal(over.failure, 'bad-input', name);
        assert.match(over.error ?? '', /between 0 and 200000/, name);
      }
    });

    it('reports input it cannot parse as bad input, with the function message', async () => {
      const result = await engine.invoke('fibonacci-recursive', runtime, {
        input: 'abc',
        mode: 'warm',
      });
      assert.equal(result.ok, false);
      assert.equal(result.failure, 'bad-input');
      assert.match(result.error ?? '', /expected an integer/);
    });

    it('reports a trap with the function stderr', async () => {
      const result = await engine.invoke('faulty', runtime, { input: 'trap', mode: 'warm' });
      assert.equal(result.failure, 'trap');
      assert.match(result.error ?? '', /trap requested/);
    });

    it('stops an endless loop at the manifest timeout, then keeps working', async () => {
      const result = await engine.invoke('faulty', runtime, { input: 'loop', mode: 'warm' });
      assert.equal(result.ok, false);
      assert.equal(result.failure, 'timeout');
      assert.match(result.error ?? '', /timed out after 2000 ms/);
      const next = await engine.invoke('hello', runtime, { input: '', mode: 'warm' });
      assert.equal(next.ok, true, next.error ?? '');
    });

    it("stops an endless loop at a plan's timeout instead of the manifest's", async () => {
      const result = await engine.invoke('faulty', runtime, {
        input: 'loop',
        mode: 'warm',
        timeoutMs: 300,
      });
      assert.equal(result.failure, 'timeout');
      assert.match(result.error ?? '', /timed out after 300 ms/);
    });

    it('stops a memory hog at the memory cap, then keeps working', async () => {
      const result = await engine.invoke('faulty', runtime, { input: 'oom', mode: 'cold' });
      assert.equal(result.failure, 'out-of-memory');
      assert.match(result.error ?? '', /memory allocation of \d+ bytes failed/);
      const next = await engine.invoke('faulty', runtime, { input: 'ok', mode: 'warm' });
      assert.equal(next.output, 'ok\n');
    });

    it('stops a memory hog at the memory cap when warm too, on a pooled memory', async () => {
      const result = await engine.invoke('faulty', runtime, { input: 'oom', mode: 'warm' });
      assert.equal(result.failure, 'out-of-memory');
      assert.match(result.error ?? '', /memory allocation of \d+ bytes failed/);
      for (let i = 0; i < 3; i++) {
        const next = await engine.invoke('faulty', runtime, { input: 'ok', mode: 'warm' });
        assert.equal(next.output, 'ok\n');
      }
    });

    it('stops a running invocation when aborted', async () => {
      const controller = new AbortController();
      const pending = engine.invoke('faulty', runtime, {
        input: 'loop',
        mode: 'warm',
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 100);
      const result = await pending;
      assert.equal(result.failure, 'aborted');
    });
  });
}

describe("C and AssemblyScript functions keep the Rust ones' contract", {
  timeout: 120_000,
}, () => {
  const cases: Record<string, string[]> = {
    'fibonacci-recursive': ['0', '1', '25', '51', '-1', '+7', ' 12 ', 'abc', ''],
    exponential: [
      '0',
      '1',
      '-2.5',
      '709.78',
      '710',
      '-745',
      '1e-3',
      '.5',
      '5.',
      'inf',
      'NaN',
      '0x10',
    ],
    factorial: ['0', '1', '100', '10001', 'x'],
    'prime-number': ['1', '10', '0', '200001'],
    hello: ['', 'ignored'],
  };
  for (const [rust, inputs] of Object.entries(cases)) {
    for (const twin of [`c-${rust}`, `as-${rust}`]) {
      if (!engine.catalog.functions.some((fn) => fn.name === twin)) continue;
      it(`${twin}: same stdout, stderr and exit code as ${rust} on wasm-p1`, async () => {
        for (const input of inputs) {
          const request = { input, mode: 'warm' as const };
          const a = await engine.invoke(rust, 'wasm-p1', request);
          const b = await engine.invoke(twin, 'wasm-p1', request);
          assert.deepEqual(
            [b.output, b.stderr, b.exitCode, b.failure],
            [a.output, a.stderr, a.exitCode, a.failure],
            `input ${JSON.stringify(input)}`,
          );
          // The same marks as the Rust function: input and output phases exactly when it has them.
          assert.deepEqual(
            [b.timings.inputMs === null, b.timings.outputMs === null],
            [a.timings.inputMs === null, a.timings.outputMs === null],
            `marks of input ${JSON.stringify(input)}`,
          );
          assert.ok(b.timings.startupMs < b.timings.totalMs, 'main_start is marked');
        }
      });
    }
  }
});

describe('engine names', () => {
  it('rejects an unknown function, naming it and the known ones', async () => {
    await assert.rejects(
      engine.invoke('nope', 'wasm', { input: '', mode: 'cold' }),
      /unknown function "nope".*hello/,
    );
  });
  it('rejects an unknown runtime and an unknown mode', async () => {
    await assert.rejects(
      engine.invoke('hello', 'jvm', { input: '', mode: 'cold' }),
      /unknown runtime "jvm"/,
    );
    await assert.rejects(
      engine.invoke('hello', 'wasm', { input: '', mode: 'hot' as 'cold' }),
      /unknown mode "hot"/,
    );
  });
});

describe("jco's own glue (the fallback for component shapes the direct bindings do not know)", () => {
  it('gives the same outputs and failures as the direct bindings', {
    timeout: 120_000,
  }, async () => {
    process.env.NEBULA_JCO_GLUE = '1'; // copied into each worker when it is spawned
    const glue = new Engine();
    await glue.runtime('wasm');
    delete process.env.NEBULA_JCO_GLUE;
    try {
      for (const fn of glue.catalog.functions.filter((f) => f.origin === 'built-in')) {
        const { example } = fn.manifest.input;
        const viaGlue = await glue.invoke(fn.name, 'wasm', { input: example, mode: 'warm' });
        const direct = await engine.invoke(fn.name, 'wasm', { input: example, mode: 'warm' });
        assert.equal(viaGlue.output, direct.output, fn.name);
        assert.equal(viaGlue.ok, true, viaGlue.error ?? '');
      }
      const trap = await glue.invoke('faulty', 'wasm', { input: 'trap', mode: 'warm' });
      assert.equal(trap.failure, 'trap');
      const bad = await glue.invoke('factorial', 'wasm', { input: 'x', mode: 'warm' });
      assert.equal(bad.failure, 'bad-input');
    } finally {
      await glue.close();
    }
  });
});
