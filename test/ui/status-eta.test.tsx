/**
 * The console's ETA: the console's `s` keeps the time left in its experiment view as the
 * session's events come (measure/eta.ts), and the status bar shows it while the run goes on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consolePlan, runConsolePlan } from '../../source/console/experiment.js';
import type { ExperimentView } from '../../source/console/state.js';
import { initialState } from '../../source/console/state.js';
import { ConsoleStore } from '../../source/console/store.js';
import type { InvocationEngine } from '../../source/engine/invocation-engine.js';
import { experimentEta, StatusBar } from '../../source/ui/components/StatusBar.js';
import { fakeHere, invokeOnly } from '../engine-stubs.js';
import { fakeResult } from '../experiment/fake-invoke.js';
import { VirtualClock } from '../measure/trace.js';
import { render } from './ink-testing.js';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

function bar(eta: string | null): string {
  const app = render(
    <StatusBar
      profile="local"
      emulated={null}
      target={{ kind: 'local', host: 'here', url: null, state: 'up', detail: null }}
      docker={{ state: 'up', address: 'sock', detail: null }}
      broker={{ state: 'none', address: '', detail: null }}
      logPath="/logs/session.jsonl"
      runCost={null}
      eta={eta}
    />,
  );
  const frame = (app.lastFrame() ?? '').replace(ANSI, '');
  app.unmount();
  return frame;
}

describe('the ETA in the console', () => {
  it('is kept in the experiment view as the run goes, from its pace', async () => {
    const clock = new VirtualClock();
    const engine: InvocationEngine = {
      catalog: { functions: [], problems: [] },
      fn: () => {
        throw new Error('not asked');
      },
      // Each invocation takes 2 s of the virtual clock.
      invoke: async (fn, runtime, request) => {
        clock.advance(2_000_000_000n);
        return fakeResult({
          function: fn,
          runtime: runtime as 'wasm',
          mode: request.mode,
          input: request.input,
        });
      },
      on: () => undefined,
      off: () => undefined,
      close: async () => {},
      ...invokeOnly,
    };
    const store = new ConsoleStore(initialState({ name: 'local', label: 'here' }), 0);
    const views: ExperimentView[] = [];
    const dispatch = store.dispatch.bind(store);
    store.dispatch = (action) => {
      if (action.type === 'experiment') views.push(action.experiment as ExperimentView);
      dispatch(action);
    };
    const plan = consolePlan(
      { repetitions: 3, warmup: 0, pauseMs: 0, baselineSeconds: 0, blocks: 1 },
      { function: 'hello', input: 'x', mode: 'cold', runtimes: ['wasm'], energy: false },
    );
    await runConsolePlan(
      plan,
      { function: 'hello', runtimes: ['wasm'], file: null },
      fakeHere(engine),
      null,
      new AbortController().signal,
      { clock, around: (invoke) => invoke(), log: () => {}, store },
    );
    assert.deepEqual(
      views.map((view) => [view.done, view.eta]),
      [
        [0, null],
        [1, '4.0 s'],
        [2, '2.0 s'],
        [3, '0.0 s'],
      ],
    );
    assert.equal(experimentEta(views[1] ?? null), '4.0 s');
    assert.equal(experimentEta({ ...(views[3] as ExperimentView), phase: 'done' }), null);
  });

  it('shows in the status bar, and not when no experiment runs', () => {
    assert.match(bar('1 min 02 s'), /ETA 1 min 02 s .*log session\.jsonl/);
    assert.doesNotMatch(bar(null), /ETA/);
  });
});
