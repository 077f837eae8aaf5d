/** Which functions are deployed on which runtime, for the function table. */
import type { RuntimeName } from '../core/invocation.js';
import { Engine } from '../engine/engine.js';
import type { InvocationEngine } from '../engine/invocation-engine.js';
import { RemoteEngine } from '../remote/remote-engine.js';
import type { DeployRuntime } from './state.js';
import type { ConsoleStore } from './store.js';

/** Deploy state per function, where the functions run: this machine or a gateway's. */
export async function checkDeployed(
  engine: InvocationEngine | null,
  runtimeName: RuntimeName & DeployRuntime,
  store: ConsoleStore,
  connection: { current: () => boolean; say: (text: string) => void },
): Promise<void> {
  if (engine instanceof RemoteEngine) {
    try {
      const states = await engine.functionStates([runtimeName]);
      if (!connection.current()) return;
      for (const fn of states) {
        const deployed = fn.deployed[runtimeName];
        store.dispatch({
          type: 'deployed',
          name: fn.name,
          runtime: runtimeName,
          state:
            deployed === true
              ? 'yes'
              : deployed === false
                ? 'no'
                : deployed === 'n/a'
                  ? 'n/a'
                  : 'unknown',
        });
      }
    } catch (error) {
      if (!connection.current()) return;
      markUnknown(store, engine.catalog.functions, runtimeName);
      connection.say(`${runtimeName} on ${engine.url}: ${(error as Error).message}`);
    }
    return;
  }
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
  runtime: DeployRuntime,
): void {
  for (const fn of functions) {
    store.dispatch({ type: 'deployed', name: fn.name, runtime, state: 'unknown' });
  }
}
