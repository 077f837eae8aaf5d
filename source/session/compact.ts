/**
 * The compact form of invocations in a session log (format 2). An invocation of a warm run
 * repeats everything but its timings: experiment, cell, function, runtime, mode, input and
 * its output. So a cell is declared once, by a `cell` record, and each invocation is a JSON
 * array row that names the cell by number and carries only what differs:
 *
 *   {"type":"cell","experiment":E,"id":3,"cell":K,"function":F,"runtime":R,"mode":M,
 *    "input":I,"variant"?,"emulated"?,"atMs":T0,"baseNs":N0}
 *   ["i",3,step-prev,repetition-prev,warmup,at-prev,ok,exitCode,[timings...],accepted-prev,
 *    outputBytes,output|0,[peakBytes,source|0,workerGrowthBytes]|null,block|null,
 *    start-accepted|null,end-accepted|null,rest|null]
 *
 * with the nulls at its end left out (a run without energy has no block and no window).
 * step, repetition, `at` and `acceptedAtNs` are differences from the cell's previous row
 * (from 0 and the declaration for the first), `startNs` and `endNs` from the row's own
 * acceptedAtNs. A timing that is a whole number of nanoseconds (as every one measured is) is
 * written as that integer, any other as its ms; an absent one as false. An output or a
 * memory source of 0 is the cell's previous one again; `rest` holds whatever else the
 * invocation had (an error, its stderr, container phases) as it was. Decoding gives back the record `invocation`
 * that format 1 wrote, field for field. A writer declares every cell again when it opens a
 * file, so appending to an old log needs no state from it.
 * One file because writing and reading the rows must stay one definition of the format.
 */
import type { InvocationResult, Timings } from '../core/invocation.js';
import type { AnyRecord, InvocationRecord } from './records.js';

export const ROW = 'i';

/**
 * Timings in row order; a timing absent from an invocation is written as false. The order is
 * the format's own, frozen: core/invocation.ts PHASES may grow, old rows must still read.
 */
const TIMING_KEYS = [
  'startupMs',
  'inputMs',
  'execMs',
  'outputMs',
  'teardownMs',
  'totalMs',
  'thesisStartupMs',
  'thesisRuntimeMs',
] as const;

/** Fields a row or its cell carries; anything else an invocation has goes into `rest`. */
const CARRIED = new Set([
  'type',
  'experiment',
  'cell',
  'step',
  'repetition',
  'warmup',
  'at',
  'outputBytes',
  'block',
  'startNs',
  'endNs',
  'function',
  'runtime',
  'mode',
  'input',
  'variant',
  'emulated',
  'ok',
  'output',
  'error',
  'failure',
  'exitCode',
  'stderr',
  'timings',
  'acceptedAtNs',
]);

export interface CellRecord {
  type: 'cell';
  experiment: string;
  id: number;
  cell: string;
  function: string;
  runtime: InvocationResult['runtime'];
  mode: InvocationResult['mode'];
  input: string;
  variant?: string;
  emulated?: string;
  atMs: number;
  baseNs: string;
}

interface CellState {
  id: number;
  step: number;
  repetition: number;
  at: number;
  acceptedNs: bigint;
  output: string;
  memorySource: unknown;
}

function fresh(id: number, at: number, acceptedNs: bigint): CellState {
  return { id, step: 0, repetition: 0, at, acceptedNs, output: '', memorySource: undefined };
}

/** A timing as integer ns where that is exact, else as ms (never an integer then). */
function timingOut(value: unknown): unknown {
  if (value === undefined) return false;
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  const ns = Math.round(value * 1e6);
  return Number.isSafeInteger(ns) && ns / 1e6 === value ? ns : value;
}

function timingIn(value: unknown): unknown {
  return typeof value === 'number' && Number.isInteger(value) ? value / 1e6 : value;
}

/** Memory as [peak, source or 0 when unchanged, growth or false]; null to keep it whole. */
function memoryOut(memory: unknown, state: CellState): unknown[] | null {
  if (!memory || typeof memory !== 'object') return null;
  const { peakBytes, source, workerGrowthBytes, ...other } = memory as Record<string, unknown>;
  if (Object.keys(other).length > 0 || source === 0 || source === undefined) return null;
  const row = [
    peakBytes === undefined ? false : peakBytes,
    source === state.memorySource ? 0 : source,
    workerGrowthBytes === undefined ? false : workerGrowthBytes,
  ];
  return row;
}

/** Turns records into lines; keeps per cell what the next row is written against. */
export class CompactEncoder {
  private readonly cells = new Map<string, CellState>();
  private readonly identities = new Map<string, ReturnType<typeof identityOf>>();
  private nextId = 1;

  /** The lines (without newline) that stand for one record, in order. */
  encode(record: AnyRecord): string[] {
    if (record.type !== 'invocation') return [JSON.stringify(record)];
    const inv = record as InvocationRecord;
    const row = this.row(inv);
    if (!row) return [JSON.stringify(record)];
    return row;
  }

  private row(inv: InvocationRecord): string[] | null {
    if (!isWellFormed(inv)) return null;
    const lines: string[] = [];
    const key = JSON.stringify([inv.experiment, inv.cell, inv.variant ?? null]);
    const accepted = BigInt(inv.acceptedAtNs);
    const known = this.cells.get(key);
    const declare = !known || !sameIdentity(this.identities.get(key), inv);
    const baseNs = declare ? accepted : (known as CellState).acceptedNs;
    const startDelta = inv.startNs === undefined ? null : Number(BigInt(inv.startNs) - accepted);
    const endDelta = inv.endNs === undefined ? null : Number(BigInt(inv.endNs) - accepted);
    const acceptedDelta = Number(accepted - baseNs);
    if (![startDelta ?? 0, endDelta ?? 0, acceptedDelta].every(Number.isSafeInteger)) return null;
    let state = known as CellState;
    if (declare) {
      state = fresh(this.nextId++, inv.at, accepted);
      this.cells.set(key, state);
      this.identities.set(key, identityOf(inv));
      const declared: CellRecord = {
        type: 'cell',
        experiment: inv.experiment,
        id: state.id,
        cell: inv.cell,
        function: inv.function,
        runtime: inv.runtime,
        mode: inv.mode,
        input: inv.input,
        ...(inv.variant === undefined ? {} : { variant: inv.variant }),
        ...(inv.emulated === undefined ? {} : { emulated: inv.emulated }),
        atMs: inv.at,
        baseNs: inv.acceptedAtNs,
      };
      lines.push(JSON.stringify(declared));
    }
    const rest: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(inv)) {
      if (!CARRIED.has(field)) rest[field] = value;
    }
    const memory = memoryOut(inv.memory, state);
    if (memory) delete rest.memory;
    if (inv.error !== null) rest.error = inv.error;
    if (inv.failure !== null) rest.failure = inv.failure;
    if (inv.stderr !== '') rest.stderr = inv.stderr;
    const timings = inv.timings as unknown as Record<string, unknown>;
    for (const field of Object.keys(timings)) {
      if (!(TIMING_KEYS as readonly string[]).includes(field)) rest.timings = timings;
    }
    const row = [
      ROW,
      state.id,
      inv.step - state.step,
      inv.repetition - state.repetition,
      inv.warmup ? 1 : 0,
      inv.at - state.at,
      inv.ok ? 1 : 0,
      inv.exitCode,
      rest.timings ? 0 : TIMING_KEYS.map((k) => timingOut(timings[k])),
      acceptedDelta,
      inv.outputBytes,
      inv.output === state.output && inv.output !== '' ? 0 : inv.output,
      memory,
      inv.block ?? null,
      startDelta,
      endDelta,
      Object.keys(rest).length === 0 ? null : rest,
    ];
    while (row.at(-1) === null) row.pop();
    state.step = inv.step;
    state.repetition = inv.repetition;
    if (memory) state.memorySource = (inv.memory as { source?: unknown }).source;
    state.at = inv.at;
    state.acceptedNs = accepted;
    state.output = inv.output;
    lines.push(JSON.stringify(row));
    return lines;
  }
}

function identityOf(inv: InvocationRecord) {
  return {
    function: inv.function,
    runtime: inv.runtime,
    mode: inv.mode,
    input: inv.input,
    emulated: inv.emulated,
  };
}

function sameIdentity(known: ReturnType<typeof identityOf> | undefined, inv: InvocationRecord) {
  return (
    known !== undefined &&
    known.function === inv.function &&
    known.runtime === inv.runtime &&
    known.mode === inv.mode &&
    known.input === inv.input &&
    known.emulated === inv.emulated
  );
}

/** Only what a row can carry exactly goes into one; anything odd stays a whole record. */
function isWellFormed(inv: InvocationRecord): boolean {
  const ns = /^\d+$/;
  return (
    typeof inv.experiment === 'string' &&
    typeof inv.cell === 'string' &&
    typeof inv.output === 'string' &&
    typeof inv.stderr === 'string' &&
    typeof inv.at === 'number' &&
    Number.isFinite(inv.at) &&
    Number.isSafeInteger(inv.step) &&
    Number.isSafeInteger(inv.repetition) &&
    typeof inv.acceptedAtNs === 'string' &&
    ns.test(inv.acceptedAtNs) &&
    (inv.startNs === undefined || ns.test(inv.startNs)) &&
    (inv.endNs === undefined || ns.test(inv.endNs)) &&
    inv.timings !== null &&
    typeof inv.timings === 'object'
  );
}

/** Reads rows back into `invocation` records; a row of an undeclared cell is refused. */
export class CompactDecoder {
  private readonly cells = new Map<number, { record: CellRecord; state: CellState }>();

  /**
   * A row comes back as its invocation record; a cell record is taken in and gives null (it
   * is the format's, not the session's); any other record comes back as it is. A string says
   * why the value is not a record.
   */
  decode(value: unknown): AnyRecord | string | null {
    if (Array.isArray(value)) return this.row(value);
    const record = value as AnyRecord;
    if (record.type === 'cell') {
      const cell = record as unknown as CellRecord;
      if (
        typeof cell.id !== 'number' ||
        typeof cell.baseNs !== 'string' ||
        !/^\d+$/.test(cell.baseNs)
      ) {
        return 'a "cell" record without a numeric id and a decimal baseNs';
      }
      this.cells.set(cell.id, {
        record: cell,
        state: fresh(cell.id, cell.atMs, BigInt(cell.baseNs)),
      });
      return null;
    }
    return record;
  }

  private row(row: unknown[]): AnyRecord | string {
    if (row[0] !== ROW || row.length < 12 || row.length > 17) {
      return 'an array that is not an invocation row';
    }
    const [, id, step, repetition, warmup, at, ok, exitCode, phases, accepted] = row;
    const [
      outputBytes,
      output,
      memory = null,
      block = null,
      start = null,
      end = null,
      rest = null,
    ] = row.slice(10);
    const found = this.cells.get(id as number);
    if (!found) return `an invocation row of cell ${String(id)}, which no "cell" record declared`;
    if (
      !isInt(accepted) ||
      !isInt(step) ||
      !isInt(repetition) ||
      typeof at !== 'number' ||
      !(start === null || isInt(start)) ||
      !(end === null || isInt(end))
    ) {
      return 'an invocation row whose times are not numbers';
    }
    const { record: cell, state } = found;
    const acceptedNs = state.acceptedNs + BigInt(accepted as number);
    const restFields = (rest && typeof rest === 'object' ? rest : {}) as Record<string, unknown>;
    const timings = Array.isArray(phases) ? timingsOf(phases) : (restFields.timings as Timings);
    const text = output === 0 ? state.output : String(output);
    state.at += at;
    state.step += step as number;
    state.repetition += repetition as number;
    state.acceptedNs = acceptedNs;
    state.output = text;
    let memoryRecord: Record<string, unknown> | null = null;
    if (Array.isArray(memory)) {
      const [peakBytes, source, growth] = memory;
      if (source !== 0) state.memorySource = source;
      memoryRecord = {
        ...(peakBytes === false ? {} : { peakBytes }),
        source: state.memorySource,
        ...(growth === false ? {} : { workerGrowthBytes: growth }),
      };
    }
    const invocation = {
      type: 'invocation',
      experiment: cell.experiment,
      cell: cell.cell,
      step: state.step,
      repetition: state.repetition,
      warmup: warmup === 1,
      at: state.at,
      outputBytes,
      ...(block === null ? {} : { block }),
      ...(start === null
        ? {}
        : {
            startNs: (acceptedNs + BigInt(start as number)).toString(),
            endNs: (acceptedNs + BigInt(end as number)).toString(),
          }),
      function: cell.function,
      runtime: cell.runtime,
      mode: cell.mode,
      input: cell.input,
      ok: ok === 1,
      output: text,
      error: null,
      failure: null,
      exitCode,
      stderr: '',
      ...restFields,
      ...(memoryRecord ? { memory: memoryRecord } : {}),
      timings,
      acceptedAtNs: acceptedNs.toString(),
      ...(cell.variant === undefined ? {} : { variant: cell.variant }),
      ...(cell.emulated === undefined ? {} : { emulated: cell.emulated }),
    };
    return invocation as unknown as AnyRecord;
  }
}

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function timingsOf(values: unknown[]): Timings {
  const timings: Record<string, unknown> = {};
  TIMING_KEYS.forEach((key, index) => {
    const value = values[index];
    if (value !== false) timings[key] = timingIn(value);
  });
  return timings as unknown as Timings;
}
