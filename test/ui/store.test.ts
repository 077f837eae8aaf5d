import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countInBins, sharedBins } from '../../source/console/histogram.js';
import { panesView } from '../../source/console/panes.js';
import { reduce } from '../../source/console/reducer.js';
import { type ConsoleState, currentInput, initialState } from '../../source/console/state.js';
import { ConsoleStore } from '../../source/console/store.js';
import type { InvocationResult } from '../../source/core/invocation.js';

function withFunctions(): ConsoleState {
  const rows = ['hello', 'sha256'].map((name) => ({
    name,
    description: `${name} function`,
    defaultInput: name === 'hello' ? '' : 'abc',
    inputFormat: 'text',
    deployed: { wasm: 'yes' as const, 'wasm-p1': 'yes' as const, container: 'no' as const },
    unavailable: {},
  }));
  return reduce(initialState({ name: 'local', label: 'here' }), { type: 'functions', rows });
}

function result(over: Partial<InvocationResult> & { totalMs?: number }): InvocationResult {
  const totalMs = over.totalMs ?? 1;
  return {
    function: 'sha256',
    runtime: 'wasm',
    mode: 'cold',
    input: 'abc',
    ok: true,
    output: 'x',
    error: null,
    failure: null,
    exitCode: 0,
    stderr: '',
    timings: { startupMs: totalMs / 2, execMs: totalMs / 4, teardownMs: totalMs / 4, totalMs },
    acceptedAtNs: '1',
    ...over,
  };
}

describe('console reducer', { timeout: 10_000 }, () => {
  it('keeps n/a (a runtime that can never run the function) whatever a deploy check says', () => {
    const state = reduce(withFunctions(), {
      type: 'deployed',
      name: 'hello',
      runtime: 'container',
      state: 'n/a',
    });
    assert.equal(state.functions[0]?.deployed.container, 'n/a');
    for (const next of ['unknown', 'no', 'yes'] as const) {
      const after = reduce(state, {
        type: 'deployed',
        name: 'hello',
        runtime: 'container',
        state: next,
      });
      assert.equal(after, state);
    }
  });

  it('moves the selection within the list and returns the same state at the ends', () => {
    const state = withFunctions();
    assert.equal(reduce(state, { type: 'move', delta: -1 }), state);
    const down = reduce(state, { type: 'move', delta: 5 });
    assert.equal(down.selected, 1);
    assert.equal(reduce(down, { type: 'move', delta: 1 }), down);
  });

  it('edits the input of the selected function: Enter applies, Escape cancels', () => {
    let state = reduce(withFunctions(), { type: 'move', delta: 1 });
    state = reduce(state, { type: 'open', overlay: 'input' });
    assert.equal(state.draft, 'abc', 'the editor starts from the current input');
    state = reduce(state, { type: 'draft', text: 'hello world' });
    const cancelled = reduce(state, { type: 'close' });
    assert.equal(currentInput(cancelled), 'abc');
    const applied = reduce(state, { type: 'apply-draft' });
    assert.equal(applied.overlay, 'none');
    assert.equal(currentInput(applied), 'hello world');
  });

  it('keeps samples per cell, counts failures, and leaves warm-ups out of the samples', () => {
    let state = reduce(withFunctions(), { type: 'move', delta: 1 });
    state = reduce(state, { type: 'invocation', result: result({ totalMs: 2 }) });
    state = reduce(state, { type: 'invocation', result: result({ totalMs: 9 }), warmup: true });
    state = reduce(state, {
      type: 'invocation',
      result: result({ ok: false, failure: 'trap', error: 'boom' }),
    });
    state = reduce(state, {
      type: 'invocation',
      result: result({ runtime: 'container', totalMs: 300 }),
    });
    const view = panesView(state, 10);
    const [wasm, container] = view.panes;
    assert.equal(wasm?.n, 1);
    assert.equal(wasm?.failures, 1);
    assert.equal(wasm?.last?.error, 'boom');
    assert.equal(wasm?.stats?.totalMs.median, 2);
    assert.equal(container?.n, 1);
    assert.equal(state.recent.length, 4);
    assert.ok(view.bins?.log, 'values a decade apart get logarithmic bins');
    assert.deepEqual(
      view.panes.map((pane) => pane.counts.reduce((a, b) => a + b, 0)),
      [1, 1],
    );
  });

  it('starts afresh on a profile switch but keeps the settings', () => {
    let state = reduce(withFunctions(), { type: 'toggle-mode' });
    state = reduce(state, { type: 'invocation', result: result({}) });
    state = reduce(state, { type: 'profile', name: 'pi', label: 'Pi', choices: ['local', 'pi'] });
    assert.equal(state.profile.name, 'pi');
    assert.deepEqual(state.series, {});
    assert.deepEqual(state.functions, []);
    assert.equal(state.mode, 'warm');
  });
});

describe('shared histogram bins', { timeout: 10_000 }, () => {
  it('covers the union of both samples, linear within a decade', () => {
    const bins = sharedBins([[1, 2], [5]], 4);
    assert.deepEqual(bins, { edges: [1, 2, 3, 4, 5], log: false });
    assert.deepEqual(countInBins([1, 2], bins as NonNullable<typeof bins>), [1, 1, 0, 0]);
    assert.deepEqual(countInBins([5, 4.5], bins as NonNullable<typeof bins>), [0, 0, 0, 2]);
  });

  it('is logarithmic across decades and has no bins without values', () => {
    const bins = sharedBins([[1], [1000]], 3);
    assert.equal(bins?.log, true);
    assert.ok(Math.abs((bins?.edges[1] ?? 0) - 10) < 1e-9);
    assert.equal(sharedBins([[], []], 3), null);
  });
});

describe('console store', { timeout: 10_000 }, () => {
  it('publishes a burst of changes once, and nothing when nothing changed', async () => {
    const store = new ConsoleStore(withFunctions(), 20);
    const published = new Promise<void>((resolve) => store.subscribe(resolve));
    for (let i = 0; i < 100; i++) store.dispatch({ type: 'power-sample', watts: [i] });
    store.dispatch({ type: 'toggle-mode' });
    assert.equal(store.publications, 0, 'nothing is published synchronously');
    await published;
    assert.equal(store.publications, 1);
    assert.equal(store.getSnapshot().mode, 'warm');
    store.dispatch({ type: 'move', delta: -1 }); // already at the top: no change
    store.flush();
    assert.equal(store.publications, 1);
    store.close();
  });
});
