/**
 * Stops what live runtimes keep (warm containers, runs in flight) on a stop signal. A
 * program that handles SIGINT, SIGTERM and SIGHUP itself (every `nebula` command and the
 * console) takes them over with leaveSignalsToCaller() and calls closeLiveRuntimes() when it
 * quits at once; otherwise (a script using the runtime) these hooks close the runtimes and
 * then let the signal end the process as it would have. Warm containers also go by
 * themselves when the process dies (see warm.ts); this makes it prompt and covers cold runs.
 */
interface Closable {
  close(): Promise<void>;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const CLOSE_TIMEOUT_MS = 5_000;

const live = new Set<Closable>();
let closing = false;
let leftToCaller = false;

/** Closes every live runtime, giving up after timeoutMs (an engine that does not answer). */
export async function closeLiveRuntimes(timeoutMs = CLOSE_TIMEOUT_MS): Promise<void> {
  const all = Promise.allSettled([...live].map((runtime) => runtime.close()));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([all, timeout]);
  clearTimeout(timer);
}

function onSignal(signal: NodeJS.Signals): void {
  if (closing) return;
  closing = true;
  void closeLiveRuntimes().then(() => {
    uninstall();
    closing = false;
    // Alone, exit as the signal would have; a caller that took signals over decides itself.
    if (!leftToCaller && process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function install(): void {
  if (leftToCaller) return;
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** The program handles stop signals itself: no hook here ever re-sends one. */
export function leaveSignalsToCaller(): void {
  leftToCaller = true;
  uninstall();
}

export function closeOnSignals(runtime: Closable): void {
  if (live.size === 0) install();
  live.add(runtime);
}

export function forgetOnSignals(runtime: Closable): void {
  live.delete(runtime);
  if (live.size === 0 && !closing) uninstall();
}
