/** Which functions are deployed on which runtime, for the function table. */
import type { RuntimeName } from '../core/invocation.js';
import { Engine } from '../engine/engine.js';
import type { InvocationEngine } from '../engine/invocation-engine.js';
import type { PaneRuntime } from './state.js';
import type { ConsoleStore } from './store.js';

/** Deploy state per function; only a local engine can tell (a remote one stays unknown). */
export async function checkDeployed(
  engine: InvocationEngine | null,
  runtimeName: RuntimeName & PaneRuntime,
  store: ConsoleStore,
  connection: { current: () => boolean; say: (text: string) => void },
): Promise<void> {
  if (!(engine instanceof Engine)) return;
  try {
    const runtime = await engine.runtime(runtimeName);
    for (const fn of engine.catalog.functions) {
      if (!connection.current()) return;
      const deployed = await runtime.isDeployed(fn);
      store.dispatch({
        type: 'deployed',
        name: fn.name,
        runtime: runtimeName,
        state: deployed ? 'yes' : 'no',
      });
    }
  } catch (error) {
    if (!connection.current()) return;
    markUnknown(store, engine.catalog.functions, runtimeName);
    connection.say(`${runtimeName}: ${(error as Error).message}`);
  }
}

/** The runtime cannot be asked (engine down, or it failed to load). */
export function markUnknown(
  store: ConsoleStore,
  functions: ReadonlyArray<{ name: string }>,
  runtime: PaneRuntime,
): void {
  for (const fn of functions) {
    store.dispatch({ type: 'deployed', name: fn.name, runtime, state: 'unknown' });
  }
}
