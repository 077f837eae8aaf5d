/** A one-line progress display for a terminal's stderr, redrawn at most 10 times a second. */
import { formatDuration } from '../measure/estimate.js';
import type { EtaTracker } from '../measure/eta.js';
import type { SessionEvent } from '../measure/session.js';

export type ProgressEvent = SessionEvent | { type: 'end' };

/** " ETA 1 min 02 s", or nothing while there is nothing to scale by yet. */
export function etaText(tracker: EtaTracker | undefined, nowMs: number): string {
  const remaining = tracker?.eta(nowMs).remainingS ?? null;
  return remaining === null ? '' : ` ETA ${formatDuration(remaining)}`;
}

/**
 * `cost` adds what the run costs so far (the log's size, resident memory) to the line; `eta`
 * the time left, from the run's estimate and how the run so far compares with it.
 */
export function showProgress(
  out: NodeJS.WriteStream,
  cost?: () => string,
  eta?: EtaTracker,
  now: () => number = Date.now,
): (event: ProgressEvent) => void {
  let lastDraw = 0;
  let total = 0;
  let blocks = '';
  return (event) => {
    if (event.type === 'end') {
      if (lastDraw > 0) out.write('\r\x1b[2K');
      return;
    }
    const at = now();
    eta?.event(event, at);
    if (event.type === 'start') total = event.energy ? 0 : event.total;
    if (event.type === 'block') blocks = ` block ${event.done}/${event.total}`;
    if (event.type !== 'invocation') return;
    if (at - lastDraw < 100) return;
    lastDraw = at;
    const { record } = event;
    const r = record.result;
    const what = `${r.function} ${r.runtime} ${r.mode} ${JSON.stringify(r.input)}`;
    const kind = record.warmup ? 'warm-up' : `#${record.repetition + 1}`;
    const last = r.ok ? `${r.timings.totalMs.toFixed(3)} ms` : `failed (${r.failure})`;
    const count = total > 0 ? `[${event.done}/${total}` : `[${event.done}${blocks}`;
    // The count, the time left and the cost first: a narrow terminal cuts the line's end.
    const line = `${count}${etaText(eta, at)}]${cost ? ` ${cost()} |` : ''} ${what} ${kind}: ${last}`;
    out.write(`\r\x1b[2K${line.slice(0, Math.max(20, (out.columns ?? 80) - 1))}`);
  };
}
