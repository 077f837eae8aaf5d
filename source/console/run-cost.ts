/**
 * What a long run costs while it runs: the session log's size and this process's resident
 * memory, read once a second into the store (the status bar shows them). Only during an
 * experiment: an idle console keeps no timer.
 */
import { statSync } from 'node:fs';
import type { ConsoleStore } from './store.js';

export const RUN_COST_INTERVAL_MS = 1000;

/** Starts reading; the returned function stops and clears the figures. */
export function followRunCost(
  store: ConsoleStore,
  logPath: string,
  intervalMs = RUN_COST_INTERVAL_MS,
): () => void {
  const read = () =>
    store.dispatch({
      type: 'run-cost',
      cost: { logBytes: fileSize(logPath), rssBytes: process.memoryUsage.rss() },
    });
  read();
  const timer = setInterval(read, intervalMs);
  return () => {
    clearInterval(timer);
    store.dispatch({ type: 'run-cost', cost: null });
  };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
