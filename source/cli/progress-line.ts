/** A one-line progress display for a terminal's stderr, redrawn at most 10 times a second. */
import type { SessionEvent } from '../measure/session.js';

export type ProgressEvent = SessionEvent | { type: 'end' };

/** `cost` adds what the run costs so far (the log's size, resident memory) to the line. */
export function showProgress(
  out: NodeJS.WriteStream,
  cost?: () => string,
): (event: ProgressEvent) => void {
  let lastDraw = 0;
  let total = 0;
  let blocks = '';
  return (event) => {
    if (event.type === 'end') {
      if (lastDraw > 0) out.write('\r\x1b[2K');
      return;
    }
    if (event.type === 'start') total = event.energy ? 0 : event.total;
    if (event.type === 'block') blocks = ` block ${event.done}/${event.total}`;
    if (event.type !== 'invocation') return;
    const now = Date.now();
    if (now - lastDraw < 100) return;
    lastDraw = now;
    const { record } = event;
    const r = record.result;
    const what = `${r.function} ${r.runtime} ${r.mode} ${JSON.stringify(r.input)}`;
    const kind = record.warmup ? 'warm-up' : `#${record.repetition + 1}`;
    const last = r.ok ? `${r.timings.totalMs.toFixed(3)} ms` : `failed (${r.failure})`;
    const count = total > 0 ? `[${event.done}/${total}]` : `[${event.done}${blocks}]`;
    // The cost first: a narrow terminal cuts the line's end.
    const line = `${count}${cost ? ` ${cost()} |` : ''} ${what} ${kind}: ${last}`;
    out.write(`\r\x1b[2K${line.slice(0, Math.max(20, (out.columns ?? 80) - 1))}`);
  };
}
