/**
 * The console's results view (`r`): each experiment of the session as `nebula report` shows
 * it, from the same report model (report/report.ts outcomeReport) and the report's own number
 * formats, laid out as lines that fit a terminal rather than as one wide table: per runtime
 * the medians with their 95% intervals, the ratios between runtimes with theirs, energy
 * gross and net with their intervals, and the idle drift with its flag. Kept as text, so
 * the view holds no samples however many experiments the session runs.
 */

import type { Comparison } from '../core/compare.js';
import type { CellEnergy, IdleDrift } from '../measure/block-figures.js';
import { inputLabel, ms, ratio } from '../report/render/format.js';
import { idleText } from '../report/render/markdown.js';
import type { ExperimentReport, ResultRow } from '../report/report.js';
import { precisionCell } from '../report/result-columns.js';
import { ratioText } from '../report/table.js';
import { energyRatio } from './experiment.js';
import type { ResultLine } from './state.js';

const interval = (low: number | null | undefined, high: number | null | undefined) =>
  low === null || low === undefined || high === null || high === undefined
    ? ''
    : ` (${ms(low)} – ${ms(high)})`;

const uwh = (value: number | null | undefined) =>
  value === null || value === undefined ? '–' : value.toFixed(3);

const uwhInterval = (range: { low: number | null; high: number | null }) =>
  range.low === null || range.high === null ? '' : ` (${uwh(range.low)} – ${uwh(range.high)})`;

function timingLines(results: readonly ResultRow[]): ResultLine[] {
  const lines: ResultLine[] = [{ text: '  time, ms: median (95% CI)', kind: 'muted' }];
  for (const r of results) {
    const total = r.stats.totalMs;
    const failed = r.failures > 0 ? `, ${r.failures} failed` : '';
    lines.push({
      text: `  ${r.runtime.padEnd(10)} n ${r.n}${failed}  total ${ms(total.median)}${interval(total.ci.low, total.ci.high)}  p95 ${ms(total.p95)}`,
      kind: r.failures > 0 ? 'flag' : 'plain',
    });
    lines.push({
      text: `  ${''.padEnd(10)} startup ${ms(r.stats.startupMs.median)}  compute ${ms(r.stats.execMs.median)}  teardown ${ms(r.stats.teardownMs.median)}`,
      kind: 'muted',
    });
  }
  return lines;
}

function ratioLines(comparisons: readonly Comparison[]): ResultLine[] {
  return comparisons.map((c) => ({
    text: `  ${c.numerator}/${c.denominator} total ${ratioText(c.phases.totalMs)}  startup ${ratioText(c.phases.startupMs)}  compute ${ratioText(c.phases.execMs)}`,
    kind: 'plain' as const,
  }));
}

function energyLines(results: readonly ResultRow[]): ResultLine[] {
  const cells = results.flatMap((r) => (r.energy ? [[r.runtime, r.energy] as const] : []));
  if (cells.length === 0) return [];
  const lines: ResultLine[] = [
    {
      text: '  energy, µWh per invocation: median over blocks (95% CI), net precision reached',
      kind: 'muted',
    },
  ];
  for (const [runtime, e] of cells) {
    lines.push({
      text: `  ${runtime.padEnd(10)} gross ${uwh(e.grossMicroWhPerInvocation)}${uwhInterval(e.ci95.gross)}  net ${uwh(e.netMicroWhPerInvocation)}${uwhInterval(e.ci95.net)} ${precisionCell(e)}  ${e.blocks.length} blocks, ${e.readings} readings`,
      kind: 'plain',
    });
  }
  const ratioLine = energyRatioLine(cells.map(([, e]) => e));
  if (ratioLine) lines.push(ratioLine);
  for (const [runtime, e] of cells) {
    if (e.reason) lines.push({ text: `  ${runtime}: ${e.reason}`, kind: 'muted' });
  }
  return lines;
}

/** Container over Wasm energy per invocation with its interval (console/experiment.ts). */
function energyRatioLine(cells: readonly CellEnergy[]): ResultLine | null {
  const found = energyRatio(cells);
  if (!found) return null;
  const range =
    found.low === null || found.high === null
      ? ''
      : ` (${ratio(found.low)} – ${ratio(found.high)})`;
  return {
    text: `  energy container/wasm ${ratio(found.ratio)}${range} ${found.basis}`,
    kind: 'plain',
  };
}

function idleLine(idle: IdleDrift): ResultLine {
  return { text: `  idle ${idleText(idle)}`, kind: idle.flagged ? 'flag' : 'plain' };
}

/** One experiment's lines: its heading, power and idle, then times, ratios and energy. */
export function experimentLines(report: ExperimentReport, stopped = false): ResultLine[] {
  const first = report.results[0];
  const what = first ? `${first.function} ${inputLabel(first.input)} ${first.mode}` : '';
  const power = report.power
    ? `power ${report.power.source} (${report.power.kind}${report.power.simulated ? ', SIMULATED' : ''})`
    : 'time only';
  const lines: ResultLine[] = [
    {
      text: `Experiment ${report.experiment}  ${what}${stopped ? '  (stopped)' : ''}`,
      kind: 'heading',
    },
    { text: `  ${power}`, kind: 'muted' },
  ];
  if (report.idle) lines.push(idleLine(report.idle));
  lines.push(...timingLines(report.results));
  lines.push(...ratioLines(report.comparisons));
  lines.push(...energyLines(report.results));
  lines.push({ text: '', kind: 'plain' });
  return lines;
}
