/**
 * Startup and runtime (the function's own execution) against input, every measured
 * invocation a point and a smoothed fit (LOESS) per runtime: how each phase grows with the
 * work, on a function swept over a range of inputs.
 */
import type { ReportCell } from '../report-cells.js';
import { numericInput } from '../samples.js';

/** Points per cell at most: a long warm run would otherwise draw tens of thousands. */
const POINTS_PER_CELL = 50;
/** Fewer inputs than this make no curve to fit. */
const MIN_INPUTS = 3;

const round = (value: number): number => Math.round(value * 1e6) / 1e6;

/** Up to `count` values spread evenly over the list (all when there are fewer). */
function spread(values: readonly number[], count: number): number[] {
  if (values.length <= count) return [...values];
  return Array.from(
    { length: count },
    (_, i) => values[Math.floor((i * values.length) / count)] as number,
  );
}

export function phasesVsInputFigure(
  fn: string,
  cells: readonly ReportCell[],
  series: (c: ReportCell) => string,
  base: (title: string, data: unknown[]) => Record<string, unknown>,
): { id: string; title: string; spec: Record<string, unknown> } | null {
  const inputs = new Set(cells.map((c) => numericInput(c.cell.input)));
  if (inputs.has(null) || inputs.size < MIN_INPUTS) return null;
  const data: unknown[] = [];
  for (const cell of cells) {
    const input = numericInput(cell.cell.input);
    for (const [phase, label] of [
      ['startupMs', 'startup'],
      ['execMs', 'runtime'],
    ] as const) {
      for (const ms of spread(cell.samples[phase].values(), POINTS_PER_CELL)) {
        // A log axis has no zero: a phase too short for the clock is left out, not drawn at 0.
        if (ms > 0) data.push({ series: series(cell), input, phase: label, ms: round(ms) });
      }
    }
  }
  if (data.length === 0) return null;
  const title = `${fn}: startup and runtime against input (ms, each invocation; LOESS fit)`;
  const x = { field: 'input', type: 'quantitative', title: 'input' };
  const y = { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms' };
  const color = { field: 'series', type: 'nominal', title: 'runtime' };
  const spec = {
    ...base(title, data),
    facet: { column: { field: 'phase', type: 'nominal', title: null, sort: ['startup'] } },
    spec: {
      width: 300,
      height: 220,
      layer: [
        { mark: { type: 'point', size: 12, opacity: 0.5 }, encoding: { x, y, color } },
        {
          transform: [{ loess: 'ms', on: 'input', groupby: ['series', 'phase'], bandwidth: 0.3 }],
          mark: { type: 'line' },
          encoding: { x, y, color },
        },
      ],
    },
    // Startup and runtime differ by orders of magnitude: each its own scale.
    resolve: { scale: { y: 'independent' } },
  };
  return { id: `${fn}-phases-vs-input`, title, spec };
}
