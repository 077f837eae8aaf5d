/**
 * The report's figures as Vega-Lite specifications, built from a session's cells alone
 * (report-cells.ts; pure, so the specifications are pinned by golden tests). Per function: the phases stacked
 * per runtime; total time against input (log scale, median with its interval); startup and
 * runtime against input with a smoothed fit (phases-vs-input.ts, over three inputs or more);
 * energy per invocation with its interval; power against time with the idle marked
 * (power-over-time.ts, when the log has readings); latency distributions of every runtime
 * on the same bins. One file because the figures share one base (schema, size) and one
 * naming of series (what each colour stands for), so every figure of a report looks alike.
 */
import type { EnergyFigure } from '../energy-by-cell.js';
import type { ExperimentReport } from '../report.js';
import type { ReportCell } from '../report-cells.js';
import { lane, numericInput, type PhaseName } from '../samples.js';
import { phasesVsInputFigure } from './phases-vs-input.js';
import { type PowerTimeline, powerOverTimeFigure } from './power-over-time.js';

export type FigureKind =
  | 'phases'
  | 'total-vs-input'
  | 'phases-vs-input'
  | 'energy'
  | 'power-over-time'
  | 'latency';
export const FIGURE_KINDS: readonly FigureKind[] = [
  'phases',
  'total-vs-input',
  'phases-vs-input',
  'energy',
  'power-over-time',
  'latency',
];

export interface FigureSpec {
  /** Unique within a session: `<function>-<kind>`; also the SVG's file name. */
  id: string;
  kind: FigureKind;
  function: string;
  title: string;
  /** A Vega-Lite specification (JSON). */
  spec: Record<string, unknown>;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 360;
const HEIGHT = 220;
const round = (value: number | null): number | null =>
  value === null ? null : Math.round(value * 1e6) / 1e6;

/** A series: the runtime (and variant), with the mode when the log holds both modes. */
function seriesOf(cells: readonly ReportCell[]): (c: ReportCell) => string {
  const modes = new Set(cells.map((c) => c.cell.mode));
  return modes.size > 1 ? (c) => `${lane(c.cell)} ${c.cell.mode}` : (c) => lane(c.cell);
}

const median = (c: ReportCell, phase: PhaseName) => c.samples[phase].summary().median;

function base(title: string, data: unknown[]): Record<string, unknown> {
  return {
    $schema: SCHEMA,
    title,
    data: { values: data },
    // Variant names are long: room for them on axes, in legends and facet headers.
    config: {
      font: 'sans-serif',
      view: { stroke: null },
      axis: { labelLimit: 360 },
      legend: { labelLimit: 360 },
      header: { labelLimit: 360, labelAngle: 0, labelAlign: 'left' },
    },
  };
}

/** Phases of the records, finest available: startup, input/compute/output or exec, teardown. */
function phasesOf(cells: readonly ReportCell[]): Array<[PhaseName, string]> {
  // Logs with the input_read and computed marks split exec into input, compute and output.
  const has = (phase: PhaseName) => cells.some((c) => c.samples[phase].n > 0);
  const split = has('inputMs') && has('outputMs');
  return split
    ? [
        ['startupMs', 'startup'],
        ['inputMs', 'input'],
        ['execMs', 'compute'],
        ['outputMs', 'output'],
        ['teardownMs', 'teardown'],
      ]
    : [
        ['startupMs', 'startup'],
        ['execMs', 'compute (exec)'],
        ['teardownMs', 'teardown'],
      ];
}

function phasesFigure(fn: string, cells: ReportCell[]): FigureSpec {
  const series = seriesOf(cells);
  const phases = phasesOf(cells);
  const inputs = new Set(cells.map((c) => c.cell.input));
  const data: unknown[] = [];
  for (const cell of cells) {
    phases.forEach(([phase, label], order) => {
      data.push({
        series: series(cell),
        input: cell.cell.input,
        phase: label,
        order,
        ms: round(median(cell, phase)),
      });
    });
  }
  const title = `${fn}: median phases per runtime (ms; each runtime on its own scale)`;
  const layer = {
    mark: { type: 'bar' },
    height: 18,
    encoding: {
      x: { field: 'ms', type: 'quantitative', stack: 'zero', title: 'ms (median)' },
      color: {
        field: 'phase',
        type: 'nominal',
        sort: phases.map(([, label]) => label),
        title: 'phase',
      },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [
        { field: 'series', title: 'runtime' },
        { field: 'phase' },
        { field: 'ms', format: '.3f' },
      ],
    },
  };
  // One row per runtime, each with its own scale: a container's 300 ms would flatten a
  // Wasm bar of 1 ms to nothing on a shared axis.
  const spec = {
    ...base(title, data),
    facet: {
      row: { field: 'series', type: 'nominal', title: null, header: { labelOrient: 'top' } },
      ...(inputs.size > 1 ? { column: { field: 'input', type: 'ordinal', title: 'input' } } : {}),
    },
    spec: { width: WIDTH, ...layer },
    resolve: { scale: { x: 'independent' } },
  };
  return { id: `${fn}-phases`, kind: 'phases', function: fn, title, spec };
}

function totalFigure(fn: string, cells: ReportCell[]): FigureSpec {
  const series = seriesOf(cells);
  const numeric = cells.every((c) => numericInput(c.cell.input) !== null);
  const data: unknown[] = [];
  for (const cell of cells) {
    const s = cell.samples.totalMs.summary();
    data.push({
      series: series(cell),
      input: numeric ? numericInput(cell.cell.input) : cell.cell.input,
      median: round(s.median),
      low: round(s.ci.low ?? s.median),
      high: round(s.ci.high ?? s.median),
      n: s.n,
    });
  }
  const x = numeric
    ? { field: 'input', type: 'quantitative', title: 'input' }
    : { field: 'input', type: 'ordinal', title: 'input' };
  const y = {
    type: 'quantitative',
    scale: { type: 'log' },
    axis: { labelOverlap: 'greedy' },
    title: 'total ms (median, 95% interval)',
  };
  const title = `${fn}: total time against input`;
  const spec = {
    ...base(title, data),
    width: WIDTH,
    height: HEIGHT,
    encoding: { x, color: { field: 'series', type: 'nominal', title: 'runtime' } },
    layer: [
      { mark: { type: 'line', point: true }, encoding: { y: { ...y, field: 'median' } } },
      {
        mark: { type: 'rule' },
        encoding: { y: { ...y, field: 'low' }, y2: { field: 'high' } },
      },
    ],
  };
  return { id: `${fn}-total-vs-input`, kind: 'total-vs-input', function: fn, title, spec };
}

function energyFigure(
  fn: string,
  cells: ReportCell[],
  energy: ReadonlyMap<string, EnergyFigure>,
  powerSource: string,
): FigureSpec | null {
  const series = seriesOf(cells);
  const several = new Set(cells.map((c) => c.cell.input)).size > 1;
  const data: unknown[] = [];
  for (const cell of cells) {
    const figure = energy.get(cell.key);
    if (!figure) continue;
    data.push({
      series: series(cell),
      // One bar per cell: with several inputs the label says which.
      bar: several ? `${series(cell)}, input ${cell.cell.input}` : series(cell),
      input: cell.cell.input,
      microWh: round(figure.value),
      low: round(figure.low ?? figure.value),
      high: round(figure.high ?? figure.value),
    });
  }
  if (data.length === 0) return null;
  const shown = new Set(data.map((row) => (row as { series: string }).series));
  const missing = [...new Set(cells.map(series))].filter((name) => !shown.has(name));
  const title = `${fn}: energy per invocation (µWh, net of idle; power: ${powerSource})`;
  const y = { field: 'bar', type: 'nominal', title: null, sort: null };
  const spec = {
    ...base(title, data),
    // Say which runtimes have no figure rather than leave them out silently.
    ...(missing.length > 0
      ? {
          title: {
            text: title,
            subtitle: `no figure for ${missing.join(', ')}: too few power readings in its window`,
          },
        }
      : {}),
    width: WIDTH,
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y,
          x: { field: 'microWh', type: 'quantitative', title: 'µWh per invocation' },
          color: { field: 'series', type: 'nominal', legend: null },
        },
      },
      {
        mark: { type: 'rule' },
        encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
      },
    ],
  };
  return { id: `${fn}-energy`, kind: 'energy', function: fn, title, spec };
}

function latencyFigure(fn: string, cells: ReportCell[]): FigureSpec {
  const series = seriesOf(cells);
  // One input: the one with most measured invocations, so every runtime shows the same work.
  const counts = new Map<string, number>();
  for (const c of cells) {
    counts.set(c.cell.input, (counts.get(c.cell.input) ?? 0) + c.samples.totalMs.n);
  }
  const input = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  // Each cell's values, or past 10,000 a uniform draw of 5,000 (phase-sample.ts).
  const data = cells
    .filter((c) => c.cell.input === input)
    .flatMap((c) => c.samples.totalMs.values().map((ms) => ({ series: series(c), ms: round(ms) })));
  const shown = input === '' ? '' : ` (input ${input})`;
  const title = `${fn}${shown}: total time distribution, same log-spaced bins`;
  const spec = {
    ...base(title, data),
    width: WIDTH,
    height: HEIGHT,
    transform: [
      { filter: 'datum.ms > 0' },
      { calculate: 'log(datum.ms) / LN10', as: 'log10ms' },
      // One bin transform over every runtime's values: the bins are the same for all.
      { bin: { maxbins: 40 }, field: 'log10ms', as: ['bin0', 'bin1'] },
    ],
    mark: { type: 'bar', opacity: 0.7, binSpacing: 0 },
    encoding: {
      x: {
        field: 'bin0',
        type: 'quantitative',
        bin: { binned: true },
        title: 'total ms (log scale)',
        axis: {
          labelExpr:
            "pow(10, datum.value) >= 1000 ? format(pow(10, datum.value), ',.0f') : format(pow(10, datum.value), '.3~g')",
        },
      },
      x2: { field: 'bin1' },
      y: { aggregate: 'count', type: 'quantitative', stack: null, title: 'invocations' },
      color: { field: 'series', type: 'nominal', title: 'runtime' },
    },
  };
  return { id: `${fn}-latency`, kind: 'latency', function: fn, title, spec };
}

/** Every figure of a session, per function in order of appearance. */
export function figureSpecs(
  cells: readonly ReportCell[],
  energy: ReadonlyMap<string, EnergyFigure> = new Map(),
  /** Where the power came from, as the figure must say: plug, simulated or estimate. */
  powerSource = 'unknown source',
  /** The readings over time and the experiments, for power against time. */
  power?: { timeline: PowerTimeline; experiments: readonly ExperimentReport[] },
): FigureSpec[] {
  const figures: FigureSpec[] = [];
  for (const fn of new Set(cells.map((c) => c.cell.function))) {
    const mine = cells.filter((c) => c.cell.function === fn);
    figures.push(phasesFigure(fn, mine), totalFigure(fn, mine));
    const sweep = phasesVsInputFigure(fn, mine, seriesOf(mine), base);
    if (sweep) figures.push({ ...sweep, kind: 'phases-vs-input', function: fn });
    const e = energyFigure(fn, mine, energy, powerSource);
    if (e) figures.push(e);
    const trace =
      power && powerOverTimeFigure(fn, power.timeline, power.experiments, powerSource, base);
    if (trace) figures.push({ ...trace, kind: 'power-over-time', function: fn });
    figures.push(latencyFigure(fn, mine));
  }
  return figures;
}
