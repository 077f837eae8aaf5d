import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { loadCatalog } from '../../source/catalog/catalog.js';
import { KEYMAP } from '../../source/ui/keymap.js';
import { requireEngine } from '../container/helpers.js';
import { type Harness, KEYS, MISSING_DOCKER, startConsole } from './console-harness.js';

// Rust functions first, by name: exponential, factorial, faulty, fibonacci-recursive, hello,
// ...; then C (c-...), then AssemblyScript (as-fibonacci-recursive, as-hello).
const FAULTY = 'jj';
const FIBONACCI = 'jjj';
const HELLO = 'jjjj';

let console_: Harness | null = null;
function start(options: { docker?: string } = {}): Harness {
  console_ = startConsole(options);
  return console_;
}
afterEach(async () => {
  await console_?.dispose();
  console_ = null;
});

const ready = (h: Harness) => h.waitFor((f) => /> │ exponential/.test(f), 'the function list');

describe('nebula-tui driven by keys', { timeout: 120_000 }, () => {
  it('invokes the selected function on Wasm with an edited input and shows the result', async () => {
    const h = start({ docker: MISSING_DOCKER });
    await ready(h);
    h.press(FIBONACCI);
    await h.waitFor((f) => /> │ fibonacci-recursive/.test(f), 'the selection to move');
    h.press('i');
    await h.waitFor((f) => f.includes('Input for fibonacci-recursive'), 'the input editor');
    h.press(`${KEYS.backspace}${KEYS.backspace}`);
    await h.waitFor((f) => !f.includes('> 25'), 'the draft to be cleared');
    h.press('20');
    await h.waitFor((f) => f.includes('> 20'), 'the typed input');
    h.press(KEYS.enter);
    await h.waitFor((f) => f.includes('input "20"'), 'the applied input');
    h.press('w');
    const frame = await h.waitFor((f) => f.includes('-> 6765'), 'the Wasm result');
    assert.match(frame, /n 1 med/);
    // The pane shows the invocation's peak memory: the instance's linear memory.
    assert.match(frame, /peak \d+(\.\d)?[KM]/);
    const invocation = h.logRecords().find((r) => r.type === 'invocation');
    assert.equal((invocation?.memory as { source?: string } | undefined)?.source, 'wasm-linear');
    assert.equal(invocation?.function, 'fibonacci-recursive');
    assert.equal(invocation?.input, '20');
    assert.equal(invocation?.output, '6765\n');
  });

  it('shows n/a for a Wasm-only function on container, and says why instead of invoking', async () => {
    const h = start({ docker: MISSING_DOCKER });
    await ready(h);
    h.press('j'.repeat(loadCatalog().functions.findIndex((fn) => fn.name === 'as-hello')));
    const selected = await h.waitFor((f) => /> │ as-hello/.test(f), 'as-hello selected');
    assert.match(selected, /as-hello\s*│\s*\S+\s*│\s*n\/a/);
    h.press('c');
    await h.waitFor(
      (f) => f.includes('as-hello cannot run on container: AssemblyScript compiles to Wasm only'),
      'the reason',
    );
    assert.equal(h.logRecords().filter((r) => r.type === 'invocation').length, 0);
  });

  it('runs an experiment with energy: idle, a block of time, and the energy line', async () => {
    const h = start({ docker: MISSING_DOCKER });
    await ready(h);
    await h.waitFor((f) => f.includes('docker down'), 'the Docker probe');
    h.press(HELLO);
    await h.waitFor((f) => /> │ hello/.test(f), 'hello selected');
    h.press('s');
    await h.waitFor((f) => f.includes('measuring the idle baseline'), 'the idle baseline');
    const frame = await h.waitFor((f) => f.includes('experiment 1/1 done'), 'the experiment');
    assert.match(frame, /on wasm: \d+ invocations/, 'says the container side was left out');
    const measured = h
      .logRecords()
      .filter((r) => r.type === 'invocation' && String(r.experiment).startsWith('exp-'));
    assert.ok(measured.length > 0);
    assert.ok(measured.every((r) => r.block === 0));
    // Energy per runtime (here only Wasm ran), with a figure or the reason, as bench logs it.
    await h.waitFor((f) => /energy\/inv .*\bwasm /.test(f), 'the energy line of the Wasm block');
    const types = new Set(h.logRecords().map((r) => r.type));
    for (const type of ['experiment', 'baseline', 'block', 'power', 'energy', 'experiment-end']) {
      assert.ok(types.has(type), `the log has ${type} records`);
    }
    const energy = h.logRecords().filter((r) => r.type === 'energy');
    assert.deepEqual(
      energy.map((r) => String(r.cell)),
      ['hello/wasm/cold/""'],
    );
  });

  it('lists every command of the keymap in the help overlay, and Escape closes it', async () => {
    const h = start({ docker: MISSING_DOCKER });
    await ready(h);
    h.press('?');
    let help = await h.waitFor((f) => f.includes('Keys (Esc closes)'), 'the help overlay');
    // It scrolls when it is taller than the terminal: read it to its end.
    while (/↓ \d+ below/.test(h.frame())) {
      const before = h.frame();
      h.press('j');
      help += await h.waitFor((f) => f !== before, 'the help to scroll');
    }
    for (const binding of KEYMAP) {
      assert.ok(help.includes(binding.description), `help lists ${binding.command}`);
    }
    h.press('w'); // the overlay owns the keys: nothing is invoked
    h.press(KEYS.escape);
    const frame = await h.waitFor((f) => !f.includes('Keys (Esc closes)'), 'help to close');
    assert.match(frame, /nothing run yet/);
  });

  it('switches profile: reconnects and starts a new segment of the session log', async () => {
    const h = start({ docker: MISSING_DOCKER });
    await ready(h);
    h.press('p');
    await h.waitFor((f) => f.includes('local (current)') && f.includes('other'), 'the picker');
    h.press(KEYS.down);
    await h.waitFor((f) => f.includes('> other'), 'other highlighted');
    h.press(KEYS.enter);
    await h.waitFor((f) => f.includes('nebula other') && /> │ exponential/.test(f), 'other');
    assert.deepEqual(h.closed, ['local'], 'the old engine was closed');
    const segments = h.logRecords().filter((r) => r.type === 'segment');
    assert.deepEqual(
      segments.map((s) => [s.segment, s.profile, s.reason]),
      [
        [0, 'local', 'start'],
        [1, 'other', 'profile switch'],
      ],
    );
  });

  it('shows errors instead of throwing: a trap and an unreachable Docker engine', async () => {
    const h = start({ docker: MISSING_DOCKER });
    await ready(h);
    h.press(FAULTY);
    await h.waitFor((f) => /> │ faulty/.test(f), 'faulty selected');
    h.press('i');
    await h.waitFor((f) => f.includes('> ok'), 'the editor with the default input');
    h.press(`${KEYS.backspace}${KEYS.backspace}`);
    await h.waitFor((f) => !f.includes('> ok'), 'the draft cleared');
    h.press('trap');
    await h.waitFor((f) => f.includes('> trap'), 'the typed input');
    h.press(KEYS.enter);
    await h.waitFor((f) => f.includes('input "trap"'), 'the applied input');
    h.press('w');
    await h.waitFor((f) => f.includes('x trap:'), 'the trap in the Wasm pane');
    h.press('c');
    const frame = await h.waitFor(
      (f) => f.includes('cannot reach the Docker engine'),
      'the Docker error',
    );
    assert.match(frame, /x engine:/);
    const failures = h.logRecords().filter((r) => r.type === 'invocation' && r.ok === false);
    assert.deepEqual(
      failures.map((r) => r.failure),
      ['trap', 'engine'],
    );
  });

  it('quits cleanly: the engine closed and the log ended', async () => {
    const h = start({ docker: MISSING_DOCKER });
    await ready(h);
    h.press('w');
    await h.waitFor((f) => f.includes('ok '), 'a first result');
    h.press('q');
    await h.waitFor(() => h.logRecords().at(-1)?.type === 'end', 'the end record');
    assert.deepEqual(h.closed, ['local']);
    const types = h.logRecords().map((r) => r.type);
    assert.equal(types[0], 'header');
    assert.ok(types.includes('invocation'));
    assert.ok(types.includes('action'));
  });

  it('invokes in a container on the Docker engine', async () => {
    await requireEngine();
    const h = start();
    await ready(h);
    await h.waitFor((f) => f.includes('docker up'), 'the Docker engine up');
    h.press(HELLO);
    await h.waitFor((f) => /> │ hello/.test(f), 'hello selected');
    h.press('b');
    const frame = await h.waitFor(
      (f) => (f.match(/ok \d/g) ?? []).length >= 2,
      'both results',
      60_000,
    );
    assert.match(frame, /n 1 med[\s\S]*n 1 med/);
  });

  it('takes an input typed in one chunk with its Enter, as a paste or a fast typist sends it', async () => {
    const h = start({ docker: MISSING_DOCKER });
    await ready(h);
    h.press(FIBONACCI);
    await h.waitFor((f) => /> │ fibonacci-recursive/.test(f), 'the selection to move');
    h.press('i');
    await h.waitFor((f) => f.includes('Input for fibonacci-recursive'), 'the input editor');
    h.press(`${KEYS.backspace.repeat(5)}12${KEYS.enter}`);
    await h.waitFor(
      (f) => f.includes('input "12"') && !f.includes('Input for'),
      'the input applied and the editor closed',
    );
  });

  it('keeps a filter typed in one chunk with its Enter', async () => {
    const h = start({ docker: MISSING_DOCKER });
    await ready(h);
    h.press('/');
    await h.waitFor((f) => f.includes('Enter keeps, Esc clears'), 'the filter drawn');
    h.press(`fib${KEYS.enter}`);
    await h.waitFor(
      () => h.controller.state.overlay === 'none' && h.controller.state.filter === 'fib',
      'the filter kept and closed',
    );
    assert.match(h.frame(), /> │ fibonacci-recursive/);
  });

  it('keeps the terminal raw while overlays open and close, so no key is echoed', async () => {
    const h = start({ docker: MISSING_DOCKER });
    await ready(h);
    const steps: Array<[string, string, (f: string) => boolean]> = [
      ['i', 'the input editor', (f) => f.includes('Input for exponential')],
      [KEYS.escape, 'the list again', (f) => /> │ exponential/.test(f) && !f.includes('Input for')],
      ['?', 'the help', (f) => f.includes('Keys (Esc closes)')],
      [KEYS.escape, 'the list again', (f) => !f.includes('Keys (Esc closes)')],
      ['/', 'the filter', (f) => f.includes('/')],
      [KEYS.escape, 'the list again', (f) => /> │ exponential/.test(f)],
      ['p', 'the profile picker', (f) => f.includes('Switch profile')],
      [KEYS.escape, 'the list again', (f) => !f.includes('Switch profile')],
    ];
    for (const [keys, what, predicate] of steps) {
      h.press(keys);
      await h.waitFor(predicate, what);
    }
    // A terminal left raw mode even for a moment echoes what is typed then onto the screen.
    assert.deepEqual(
      h.rawModeChanges.filter((enabled) => !enabled),
      [],
      `raw mode was left while overlays opened and closed: ${h.rawModeChanges.join(' ')}`,
    );
  });
});
