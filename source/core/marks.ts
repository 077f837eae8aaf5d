/**
 * The functions print `@nebula main_start <ns>` and `@nebula main_end <ns>` on stderr from
 * CLOCK_MONOTONIC; the host reads the same clock through process.hrtime.bigint().
 */
import type { Timings } from './invocation.js';

const MARK_PREFIX = '@nebula ';

export interface Marks {
  mainStartNs: bigint | null;
  mainEndNs: bigint | null;
  /** stderr with the mark lines removed. */
  stderr: string;
}

export function parseMarks(rawStderr: string): Marks {
  let mainStartNs: bigint | null = null;
  let mainEndNs: bigint | null = null;
  if (!rawStderr.includes(MARK_PREFIX)) return { mainStartNs, mainEndNs, stderr: rawStderr };
  const kept: string[] = [];
  for (const line of rawStderr.split('\n')) {
    if (line.startsWith(MARK_PREFIX)) {
      const [, name, value] = line.split(' ');
      if (value !== undefined && /^\d+$/.test(value)) {
        if (name === 'main_start') mainStartNs = BigInt(value);
        else if (name === 'main_end') mainEndNs = BigInt(value);
        continue;
      }
    }
    kept.push(line);
  }
  return { mainStartNs, mainEndNs, stderr: kept.join('\n') };
}

const nsToMs = (ns: bigint): number => Number(ns) / 1e6;

/**
 * startup = main_start - accept; exec = main_end - main_start; teardown = done - main_end.
 * Without marks (the function never reached main, or died before its end) the whole
 * time counts as startup or exec so that total stays exact and nothing is invented.
 */
export function computeTimings(
  acceptNs: bigint,
  doneNs: bigint,
  marks: Pick<Marks, 'mainStartNs' | 'mainEndNs'>,
): Timings {
  const totalMs = nsToMs(doneNs - acceptNs);
  const { mainStartNs, mainEndNs } = marks;
  if (mainStartNs === null) {
    return { startupMs: totalMs, execMs: 0, teardownMs: 0, totalMs };
  }
  const startupMs = nsToMs(mainStartNs - acceptNs);
  if (mainEndNs === null) {
    return { startupMs, execMs: nsToMs(doneNs - mainStartNs), teardownMs: 0, totalMs };
  }
  return {
    startupMs,
    execMs: nsToMs(mainEndNs - mainStartNs),
    teardownMs: nsToMs(doneNs - mainEndNs),
    totalMs,
  };
}
