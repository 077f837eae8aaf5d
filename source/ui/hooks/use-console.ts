import { useSyncExternalStore } from '#ui-vendor';
import type { ConsoleState } from '../../console/state.js';
import type { ConsoleStore } from '../../console/store.js';

/** The console's state, re-read only when the store publishes (batched, capped). */
export function useConsoleState(store: ConsoleStore): ConsoleState {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
