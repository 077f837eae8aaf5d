/** A resumed run's break as one line of a report (markdown and HTML alike). */
import type { ResumeBreak } from './report.js';

export function resumedText(pause: ResumeBreak): string {
  const at = new Date(pause.at).toISOString();
  const gap =
    pause.lastAt === null
      ? 'after a break of unknown length'
      : `after a break of ${duration(pause.at - pause.lastAt)} (last logged ${new Date(pause.lastAt).toISOString()})`;
  const dropped =
    pause.dropped > 0
      ? `${pause.dropped} of a half-finished group dropped and its group run again from the start (${pause.droppedCells.join(', ')})`
      : 'no half-finished group';
  const torn = pause.tornLine === null ? '' : `; line ${pause.tornLine}, torn by the stop, skipped`;
  return `Resumed ${at} ${gap}: ${pause.kept} invocations kept from before; ${dropped}${torn}`;
}

/** "3 min 12 s", "2 h 5 min", "840 ms". */
function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown length';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
