/** The thesis-style tables: medians per cell, then ratios between runtimes. */
import type { Comparison } from '../../core/compare.js';
import { cellKey } from '../../core/plan.js';
import type { CellResult } from '../../experiment/results.js';
import type { Report } from '../report.js';
import { inputLabel, mdTable, ms, ratio } from './format.js';

export const METHOD_NOTE =
  'Medians in ms over successful measured invocations (warm-ups excluded). ' +
  'CI: 95% interval of the median from order statistics (binomial, Le Boudec). ' +
  'Ratios: median over median, 95% percentile-bootstrap interval (2000 resamples, fixed seed). ' +
  'Outliers: modified Z-score |0.6745 (x - median) / MAD| > 3.5 on total time, counted and kept.';

export function renderMarkdown(
  report: Pick<Report, 'results' | 'comparisons'> & Partial<Report>,
): string {
  const parts: string[] = [];
  const emulated = [...new Set(report.results.flatMap((cell) => cell.emulated ?? []))];
  if (report.header !== undefined) parts.push(renderHeader(report as Report, emulated.length > 0));
  for (const note of emulated)
    parts.push(`**EMULATED** (${note}): these timings are not performance figures.`);
  parts.push(`## Results\n\n${resultsTable(report.results, report.energy ?? {})}`);
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
    'Exec',
    'Teardown',
    'Total',
    'Total 95% CI',
    'Total p95',
    'Outliers',
  ];
  if (withEnergy) head.push('Energy µWh/inv', 'Baseline W');
  const rows = results.map((r) => {
    const total = r.stats.totalMs;
    const row = [
      r.function,
      inputLabel(r.input),
      r.mode,
      r.runtime,
      String(r.n),
      String(r.failures),
      ms(r.stats.startupMs.median),
      ms(r.stats.execMs.median),
      ms(r.stats.teardownMs.median),
      ms(total.median),
      total.ci.low === null ? '–' : `${ms(total.ci.low)} – ${ms(total.ci.high)}`,
      ms(total.p95),
      String(r.outliers.totalMs.count),
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
    interval(c, 'execMs'),
    interval(c, 'totalMs'),
  ]);
  return mdTable(['Function', 'Input', 'Mode', 'Ratio', 'Startup', 'Exec', 'Total'], rows);
}
