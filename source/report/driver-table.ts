/**
 * The same cells under both drivers (measure/driver.ts): per machine, function, input, mode
 * and runtime, the median total as the target's runtime timed it when the target drove the
 * session and when a client did, their difference, and the client's round trip; per
 * function and input, container over Wasm under each. Fed every record of every log given,
 * in log order, keeping bounded samples (core/phase-sample.ts), never the invocations; shown
 * once any cell was driven by a client.
 */
import { PhaseSample, ratioOfSamples, type PhaseSample as Sample } from '../core/phase-sample.js';
import type { Driver } from '../measure/driver.js';
import type { ExperimentRecord } from '../measure/records.js';
import { type AnyRecord, isHeader, isInvocation } from '../session/records.js';
import { inputLabel, ms } from './render/format.js';
import { medianText, ratioText, type Table } from './table.js';

interface DriverSamples {
  /** The target's timing of each invocation (timings.totalMs). */
  total: Sample;
  /** The client's round trip (clientRoundTripMs): client driver only. */
  roundTrip: Sample;
}

interface DriverCell {
  machine: string;
  function: string;
  input: string;
  mode: string;
  runtime: string;
  by: Partial<Record<Driver, DriverSamples>>;
}

function samplesOf(cell: DriverCell, driver: Driver): DriverSamples {
  let samples = cell.by[driver];
  if (!samples) {
    samples = { total: new PhaseSample(), roundTrip: new PhaseSample() };
    cell.by[driver] = samples;
  }
  return samples;
}

/** Takes a log's records in order; several logs' digests are merged by cells(). */
export class DriverDigest {
  private machine = 'unknown machine';
  private readonly drivers = new Map<string, Driver>();
  readonly found = new Map<string, DriverCell>();

  add(record: AnyRecord): void {
    if (isHeader(record)) this.machine = record.machine.hostname;
    else if (record.type === 'target') {
      const host = (record as { machine?: { hostname?: unknown } }).machine?.hostname;
      if (typeof host === 'string') this.machine = host;
    } else if (record.type === 'experiment') {
      const start = record as unknown as ExperimentRecord;
      // Logs written before drivers were recorded: every experiment ran on its target.
      this.drivers.set(start.experiment, start.driver === 'client' ? 'client' : 'target');
    } else if (isInvocation(record)) {
      if (record.warmup || !record.ok || record.variant || !record.timings) return;
      const driver = this.drivers.get(record.experiment) ?? 'target';
      const cell = {
        machine: this.machine,
        function: record.function,
        input: record.input,
        mode: record.mode,
        runtime: record.runtime,
      };
      const key = JSON.stringify(Object.values(cell));
      let found = this.found.get(key);
      if (!found) {
        found = { ...cell, by: {} };
        this.found.set(key, found);
      }
      const samples = samplesOf(found, driver);
      samples.total.add(record.timings.totalMs);
      const roundTrip = (record as { clientRoundTripMs?: unknown }).clientRoundTripMs;
      if (typeof roundTrip === 'number') samples.roundTrip.add(roundTrip);
    }
  }
}

/** Cells over every digest (each log's own), in order of first appearance. */
function mergedCells(digests: readonly DriverDigest[]): DriverCell[] {
  const merged = new Map<string, DriverCell>();
  for (const digest of digests) {
    for (const [key, cell] of digest.found) {
      const into = merged.get(key) ?? { ...cell, by: {} };
      for (const driver of ['target', 'client'] as const) {
        const from = cell.by[driver];
        if (!from) continue;
        const to = samplesOf(into, driver);
        to.total.absorb(from.total);
        to.roundTrip.absorb(from.roundTrip);
      }
      merged.set(key, into);
    }
  }
  return [...merged.values()];
}

const median = (sample: Sample | undefined): number | null =>
  sample && sample.n > 0 ? sample.summary().median : null;

function differenceText(client: number | null, target: number | null): string {
  if (client === null || target === null) return '–';
  const change =
    target > 0
      ? ` (${client >= target ? '+' : ''}${((client / target - 1) * 100).toFixed(0)}%)`
      : '';
  return `${client - target >= 0 ? '+' : ''}${ms(client - target)}${change}`;
}

function ratioOf(top: Sample | undefined, bottom: Sample | undefined): string {
  return top && bottom && top.n > 0 && bottom.n > 0 ? ratioText(ratioOfSamples(top, bottom)) : '–';
}

const RUNTIME_ORDER = ['container', 'wasm', 'wasm-p1'];
/** As the side-by-side table's ratio (side-by-side.ts PAIR, which imports sessions.ts). */
const PAIR = { numerator: 'container', denominator: 'wasm' } as const;

/** The table, or null when no cell was driven by a client. */
export function driverTable(digests: readonly DriverDigest[]): Table | null {
  const cells = mergedCells(digests);
  if (!cells.some((cell) => cell.by.client)) return null;
  const groups = new Map<string, DriverCell[]>();
  for (const cell of cells) {
    const key = JSON.stringify([cell.machine, cell.function, cell.input, cell.mode]);
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  const rows: string[][] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => RUNTIME_ORDER.indexOf(a.runtime) - RUNTIME_ORDER.indexOf(b.runtime));
    const lead = (cell: DriverCell) => [
      cell.machine,
      cell.function,
      inputLabel(cell.input),
      cell.mode,
    ];
    for (const cell of group) {
      const { target, client } = cell.by;
      rows.push([
        ...lead(cell),
        cell.runtime,
        medianText(target?.total.n ? target.total.summary() : null),
        medianText(client?.total.n ? client.total.summary() : null),
        differenceText(median(client?.total), median(target?.total)),
        medianText(client?.roundTrip.n ? client.roundTrip.summary() : null),
      ]);
    }
    const top = group.find((cell) => cell.runtime === PAIR.numerator);
    const bottom = group.find((cell) => cell.runtime === PAIR.denominator);
    if (top && bottom) {
      rows.push([
        ...lead(top),
        `${PAIR.numerator} / ${PAIR.denominator}`,
        ratioOf(top.by.target?.total, bottom.by.target?.total),
        ratioOf(top.by.client?.total, bottom.by.client?.total),
        '–',
        ratioOf(top.by.client?.roundTrip, bottom.by.client?.roundTrip),
      ]);
    }
  }
  return {
    title: 'Drivers: the same cells driven on the target and from a client',
    head: [
      'Machine',
      'Function',
      'Input',
      'Mode',
      'Runtime',
      'Total ms, target driver',
      'Total ms, client driver',
      'Client − target',
      'Round trip ms, client driver',
    ],
    rows,
    note:
      "Total: the invocation as the target's runtime timed it (accept to teardown), on the target's clock under either driver. " +
      'Round trip: what the client waited for each invocation on its own clock, from writing the HTTP request to the parsed answer: the total plus the HTTP exchange, the gateway and the network. ' +
      'Client − target: the difference of the two total medians (and in % of the target-driver median). ' +
      'Medians of successful measured invocations with their 95% interval; ratios median over median with a 95% bootstrap interval; cells pooled over every log given and every experiment of one driver, variants left out.',
  };
}
