/**
 * The columns and cells of the results and ratios tables, built once for every renderer
 * (markdown in render/markdown.ts, the HTML report through session-tables.ts), so both show
 * the same figures, energy with its interval included.
 */
import type { Comparison } from '../core/compare.js';
import { laneLabel } from '../core/plan.js';
import { precisionText } from '../measure/idle-beside.js';
import { inputLabel, ms } from './render/format.js';
import type { ResultRow } from './report.js';
import { ratioText } from './table.js';

export interface Columns {
  head: string[];
  rows: string[][];
}

const uwh = (value: number | null | undefined): string =>
  value === null || value === undefined ? '–' : value.toFixed(3);

const ENERGY_HEAD = [
  'Gross µWh/inv',
  'Net µWh/inv',
  'Net 95% CI',
  'Net precision',
  'Blocks',
  'Readings',
  'Window s',
  'Thesis µWh/inv',
];

/** Shown only when some cell's readings carried a current (the thesis's assumed 240 V). */
const THESIS_240V_HEAD = 'Thesis 240 V µWh/inv';

function thesis240Cell(e: ResultRow['energy']): string {
  const t = e?.thesis240V;
  return t ? `${uwh(t.grossMicroWhPerInvocation)} (${t.invocations} kept)` : '–';
}

/** The net interval's half-width as a share of the figure, and the precision asked for. */
export function precisionCell(e: NonNullable<ResultRow['energy']>): string {
  // Figures logged before precision was recorded have none.
  const p = e.precision;
  if (!p) return '–';
  const reached = precisionText(p.net);
  if (p.target === null) return reached;
  return `${reached} (asked ${precisionText(p.target)}: ${p.met ? 'met' : 'time cap'})`;
}

function energyCells(e: ResultRow['energy']): string[] {
  if (!e) return ENERGY_HEAD.map(() => '–');
  return [
    uwh(e.grossMicroWhPerInvocation),
    uwh(e.netMicroWhPerInvocation),
    e.ci95.net.low == null ? '–' : `${uwh(e.ci95.net.low)} – ${uwh(e.ci95.net.high)}`,
    precisionCell(e),
    String(e.blocks.length),
    String(e.readings),
    e.seconds.toFixed(1),
    `${uwh(e.thesis.grossMicroWhPerInvocation)} (${e.thesis.invocations} kept, ${e.thesis.dropped} dropped)`,
  ];
}

/** Medians per cell (energy columns only when some cell has energy). */
export function resultColumns(results: readonly ResultRow[]): Columns {
  const withEnergy = results.some((r) => r.energy);
  const with240 = results.some((r) => r.energy?.thesis240V);
  const head = [
    'Function',
    'Input',
    'Mode',
    'Runtime',
    'n',
    'Failed',
    'Startup',
    'Read input',
    'Compute',
    'Write output',
    'Teardown',
    'Total',
    'Total 95% CI',
    'Total p95',
    'Outliers',
    'Thesis startup',
    'Thesis runtime',
    ...(withEnergy ? ENERGY_HEAD : []),
    ...(with240 ? [THESIS_240V_HEAD] : []),
  ];
  const rows = results.map((r) => {
    const total = r.stats.totalMs;
    return [
      r.function,
      inputLabel(r.input),
      r.mode,
      laneLabel(r),
      String(r.n),
      String(r.failures),
      ms(r.stats.startupMs.median),
      ms(r.stats.inputMs.median),
      ms(r.stats.execMs.median),
      ms(r.stats.outputMs.median),
      ms(r.stats.teardownMs.median),
      ms(total.median),
      total.ci.low === null ? '–' : `${ms(total.ci.low)} – ${ms(total.ci.high)}`,
      ms(total.p95),
      String(r.outliers.totalMs.count),
      ms(r.stats.thesisStartupMs.median),
      ms(r.stats.thesisRuntimeMs.median),
      ...(withEnergy ? energyCells(r.energy) : []),
      ...(with240 ? [thesis240Cell(r.energy)] : []),
    ];
  });
  return { head, rows };
}

/** Ratios between runtimes per phase, each with its interval. */
export function ratioColumns(comparisons: readonly Comparison[]): Columns {
  return {
    head: [
      'Function',
      'Input',
      'Mode',
      'Ratio',
      'Startup',
      'Read input',
      'Compute',
      'Write output',
      'Total',
      'Thesis startup',
      'Thesis runtime',
    ],
    rows: comparisons.map((c) => [
      c.function,
      inputLabel(c.input),
      c.mode,
      `${c.numerator} / ${c.denominator}`,
      ratioText(c.phases.startupMs),
      ratioText(c.phases.inputMs),
      ratioText(c.phases.execMs),
      ratioText(c.phases.outputMs),
      ratioText(c.phases.totalMs),
      ratioText(c.phases.thesisStartupMs),
      ratioText(c.phases.thesisRuntimeMs),
    ]),
  };
}
