/**
 * The functions print `@nebula <mark> <ns>` lines on stderr from CLOCK_MONOTONIC (main_start,
 * input_read, computed, main_end); the host reads the same clock through
 * process.hrtime.bigint() for accept and done. docs/MEASURING.md defines the phases.
 */
import type { Timings } from './invocation.js';

const MARK_PREFIX = '@nebula ';

export interface Marks {
  mainStartNs: bigint | null;
  inputReadNs: bigint | null;
  computedNs: bigint | null;
  mainEndNs: bigint | null;
  /** stderr with the mark lines removed. */
  stderr: string;
}

const MARK_FIELDS = {
  main_start: 'mainStartNs',
  input_read: 'inputReadNs',
  computed: 'computedNs',
  main_end: 'mainEndNs',
} as const;

type MarkName = keyof typeof MARK_FIELDS;
const isMarkName = (name: string | undefined): name is MarkName =>
  name !== undefined && Object.hasOwn(MARK_FIELDS, name);

export function parseMarks(rawStderr: string): Marks {
  const marks: Marks = {
    mainStartNs: null,
    inputReadNs: null,
    computedNs: null,
    mainEndNs: null,
    stderr: rawStderr,
  };
  if (!rawStderr.includes(MARK_PREFIX)) return marks;
  const kept: string[] = [];
  for (const line of rawStderr.split('\n')) {
    if (line.startsWith(MARK_PREFIX)) {
      const [, name, value] = line.split(' ');
      if (isMarkName(name) && value !== undefined && /^\d+$/.test(value)) {
        marks[MARK_FIELDS[name]] = BigInt(value);
        continue;
      }
    }
    kept.push(line);
  }
  marks.stderr = kept.join('\n');
  return marks;
}

const nsToMs = (ns: bigint): number => Number(ns) / 1e6;

export type TimingMarks = Pick<Marks, 'mainStartNs' | 'mainEndNs'> &
  Partial<Pick<Marks, 'inputReadNs' | 'computedNs'>> & {
    /**
     * Where the thesis's startup ended for this runtime (container: main_start; Wasm: the
     * end of module loading, before instantiation); null or absent when unknown.
     */
    thesisStartupEndNs?: bigint | null;
  };

/**
 * startup = main_start - accept; input = input_read - main_start; exec (compute alone) =
 * computed - input_read; output = main_end - computed; teardown = done - main_end.
 * A missing mark never invents a time: its phase is null (unknown, never 0), and the time it
 * would have bounded goes to the phase before it, so the known phases always add up to total.
 * Without main_start (the function never reached main, or marks nothing) the whole time is
 * startup, and exec and teardown are unknown.
 */
export function computeTimings(acceptNs: bigint, doneNs: bigint, marks: TimingMarks): Timings {
  const totalMs = nsToMs(doneNs - acceptNs);
  const { mainStartNs, mainEndNs } = marks;
  const inputReadNs = marks.inputReadNs ?? null;
  const computedNs = marks.computedNs ?? null;
  const thesis = thesisColumns(acceptNs, doneNs, marks.thesisStartupEndNs ?? null);
  if (mainStartNs === null) {
    return {
      startupMs: totalMs,
      inputMs: null,
      execMs: null,
      outputMs: null,
      teardownMs: null,
      totalMs,
      ...thesis,
    };
  }
  const execFrom = inputReadNs ?? mainStartNs;
  const execTo = computedNs ?? mainEndNs ?? doneNs;
  return {
    startupMs: nsToMs(mainStartNs - acceptNs),
    inputMs: inputReadNs === null ? null : nsToMs(inputReadNs - mainStartNs),
    execMs: nsToMs(execTo - execFrom),
    outputMs: computedNs === null ? null : nsToMs((mainEndNs ?? doneNs) - computedNs),
    teardownMs: mainEndNs === null ? null : nsToMs(doneNs - mainEndNs),
    totalMs,
    ...thesis,
  };
}

function thesisColumns(
  acceptNs: bigint,
  doneNs: bigint,
  endNs: bigint | null,
): Pick<Timings, 'thesisStartupMs' | 'thesisRuntimeMs'> {
  if (endNs === null) return { thesisStartupMs: null, thesisRuntimeMs: null };
  return { thesisStartupMs: nsToMs(endNs - acceptNs), thesisRuntimeMs: nsToMs(doneNs - endNs) };
}
