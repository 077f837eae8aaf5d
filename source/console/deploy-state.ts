/** Which functions are deployed on which runtime, for the function table. */
import type { RuntimeName } from '../core/invocation.js';
import type { DeployedState } from '../engine/deploy.js';
import type { TargetEngine } from '../target/target-engine.js';
import type { DeployRuntime, FunctionRow } from './state.js';
import type { ConsoleStore } from './store.js';

/** Deploy state per function, where the functions run: this machine or a gateway's. */
export async function checkDeployed(
  engine: TargetEngine | null,
  runtimeName: RuntimeName & DeployRuntime,
  store: ConsoleStore,
  connection: { current: () => boolean; say: (text: string) => void },
): Promise<void> {
  if (!engine) return;
  const on = engine.where.gateway ? ` on ${engine.where.gateway}` : '';
  try {
    const states = await engine.functionStates([runtimeName]);
    if (!connection.current()) return;
    let unknown: string | null = null;
    for (const fn of states) {
      const state = shownState(fn.deployed[runtimeName]);
      if (state === 'unknown') unknown ??= String(fn.deployed[runtimeName] ?? 'unknown');
      store.dispatch({ type: 'deployed', name: fn.name, runtime: runtimeName, state });
    }
    // The runtime could not be asked (it failed to load, its engine is down): say why once.
    if (unknown) connection.say(`${runtimeName}${on}: ${unknown}`);
  } catch (error) {
    if (!connection.current()) return;
    markUnknown(store, engine.catalog.functions, runtimeName);
    connection.say(`${runtimeName}${on}: ${(error as Error).message}`);
  }
}

function shownState(deployed: DeployedState | undefined): FunctionRow['deployed'][DeployRuntime] {
  if (deployed === true) return 'yes';
  if (deployed === false) return 'no';
  return deployed === 'n/a' ? 'n/a' : 'unknown';
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
