/**
 * Stops what live runtimes keep (warm containers, runs in flight) on Ctrl+C and SIGTERM,
 * then lets the signal do what it would have done. Warm containers also go by themselves
 * when the process dies (see warm.ts); this makes it prompt and covers cold runs.
 */
interface Closable {
  close(): Promise<void>;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const CLOSE_TIMEOUT_MS = 5_000;

const live = new Set<Closable>();
let closing = false;

function onSignal(signal: NodeJS.Signals): void {
  if (closing) return;
  closing = true;
  const all = Promise.allSettled([...live].map((runtime) => runtime.close()));
  const timeout = new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref());
  void Promise.race([all, timeout]).then(() => {
    uninstall();
    closing = false;
    // Others listening decide for themselves; alone, exit as the signal would have.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function install(): void {
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

export function closeOnSignals(runtime: Closable): void {
  if (live.size === 0) install();
  live.add(runtime);
}

export function forgetOnSignals(runtime: Closable): void {
  live.delete(runtime);
  if (live.size === 0 && !closing) uninstall();
}
