/** The thesis-style tables: medians per cell, then ratios between runtimes. */
import type { Comparison } from '../../core/compare.js';
import { cellKey, laneLabel } from '../../core/plan.js';
import type { CellResult } from '../../experiment/results.js';
import type { Report } from '../report.js';
import { inputLabel, mdTable, ms, ratio } from './format.js';

export const METHOD_NOTE =
  'Medians in ms over successful measured invocations (warm-ups excluded). ' +
  'CI: 95% interval of the median from order statistics (binomial, Le Boudec). ' +
  'Ratios: median over median, 95% percentile-bootstrap interval (2000 resamples, fixed seed). ' +
  'Outliers: modified Z-score |0.6745 (x - median) / MAD| > 3.5 on total time, counted and kept. ' +
  "Compute is the function's own code (input read to result ready); Read input and Write " +
  "output are it reading stdin and writing the result; Thesis startup/runtime are the thesis's definitions " +
  '(container: to main; Wasm: to the end of module loading; runtime = total - that startup), ' +
  'see docs/MEASURING.md.';

/** Said under the table when some invocations predate the input_read and computed marks. */
export const UNMARKED_NOTE =
  'Read input and Write output are – (or cover fewer invocations than n) where the function did not mark ' +
  'input_read and computed (logs written before those marks): for those invocations Compute ' +
  'spans main_start to main_end, reading and writing included. Thesis columns are – where ' +
  'the log has no end of its startup.';

export function renderMarkdown(
  report: Pick<Report, 'results' | 'comparisons'> & Partial<Report>,
): string {
  const parts: string[] = [];
  const emulated = [...new Set(report.results.flatMap((cell) => cell.emulated ?? []))];
  if (report.header !== undefined) parts.push(renderHeader(report as Report, emulated.length > 0));
  for (const note of emulated)
    parts.push(`**EMULATED** (${note}): these timings are not performance figures.`);
  parts.push(`## Results\n\n${resultsTable(report.results, report.energy ?? {})}`);
  if (report.results.some(lacksMarks)) parts.push(UNMARKED_NOTE);
  if (report.comparisons.length > 0) parts.push(`## Ratios\n\n${ratiosTable(report.comparisons)}`);
  parts.push(METHOD_NOTE);
  return `${parts.join('\n\n')}\n`;
}

function renderHeader(report: Report, cellsSayEmulated: boolean): string {
  const lines = ['# Nebula session report', ''];
  const h = report.header;
  if (h) {
    lines.push(
      `- Profile: ${h.profile}`,
      `- Machine: ${h.machine.hostname} (${h.machine.os}, ${h.machine.arch}), ${h.cpu.model} × ${h.cpu.cores}`,
      `- Node ${h.node}, Nebula ${h.nebula}, started ${new Date(h.startedAt).toISOString()}`,
    );
    if (h.machine.emulation && !cellsSayEmulated)
      lines.push(`- EMULATED (${h.machine.emulation}): timings are not performance figures`);
  } else {
    lines.push('- No header record: machine and versions unknown.');
  }
  lines.push(
    `- Experiments: ${report.experiments.length}; invocations: ${report.measured} measured, ${report.warmups} warm-up`,
  );
  const others = Object.entries(report.otherRecords);
  if (others.length > 0)
    lines.push(`- Other records: ${others.map(([type, count]) => `${type} ${count}`).join(', ')}`);
  return lines.join('\n');
}

function resultsTable(results: readonly CellResult[], energy: Report['energy']): string {
  const withEnergy = Object.keys(energy).length > 0;
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
  ];
  if (withEnergy) head.push('Energy µWh/inv', 'Baseline W');
  const rows = results.map((r) => {
    const total = r.stats.totalMs;
    const row = [
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
    ];
    if (withEnergy) {
      const e = energy[cellKey(r)];
      row.push(e ? e.perInvocationMicroWh.toFixed(3) : '–', e ? e.baselineW.toFixed(2) : '–');
    }
    return row;
  });
  return mdTable(head, rows);
}

function ratiosTable(comparisons: readonly Comparison[]): string {
  const interval = (c: Comparison, phase: keyof Comparison['phases']) => {
    const p = c.phases[phase];
    return p.low === null
      ? ratio(p.ratio)
      : `${ratio(p.ratio)} (${ratio(p.low)} – ${ratio(p.high)})`;
  };
  const rows = comparisons.map((c) => [
    c.function,
    inputLabel(c.input),
    c.mode,
    `${c.numerator} / ${c.denominator}`,
    interval(c, 'startupMs'),
    interval(c, 'inputMs'),
    interval(c, 'execMs'),
    interval(c, 'outputMs'),
    interval(c, 'totalMs'),
    interval(c, 'thesisStartupMs'),
    interval(c, 'thesisRuntimeMs'),
  ]);
  const head = ['Function', 'Input', 'Mode', 'Ratio', 'Startup', 'Read input', 'Compute'];
  return mdTable([...head, 'Write output', 'Total', 'Thesis startup', 'Thesis runtime'], rows);
}

/** A cell where some successful invocations have no input or thesis phase. */
function lacksMarks(r: CellResult): boolean {
  return [r.stats.inputMs, r.stats.outputMs, r.stats.thesisStartupMs].some((s) => s.n < r.n);
}
