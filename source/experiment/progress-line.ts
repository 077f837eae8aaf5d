/** A one-line progress display for a terminal's stderr, redrawn at most 10 times a second. */
import type { ExperimentRunner } from './runner.js';

export function showProgress(runner: ExperimentRunner, out: NodeJS.WriteStream): () => void {
  let lastDraw = 0;
  const onRecord: Parameters<typeof runner.on<'record'>>[1] = ({ record, done, total }) => {
    const now = Date.now();
    if (done < total && now - lastDraw < 100) return;
    lastDraw = now;
    const r = record.result;
    const what = `${r.function} ${r.runtime} ${r.mode} ${JSON.stringify(r.input)}`;
    const kind = record.warmup ? 'warm-up' : `#${record.repetition + 1}`;
    const last = r.ok ? `${r.timings.totalMs.toFixed(3)} ms` : `failed (${r.failure})`;
    const line = `[${done}/${total}] ${what} ${kind}: ${last}`;
    out.write(`\r\x1b[2K${line.slice(0, Math.max(20, (out.columns ?? 80) - 1))}`);
  };
  runner.on('record', onRecord);
  return () => {
    runner.off('record', onRecord);
    if (lastDraw > 0) out.write('\r\x1b[2K');
  };
}
