/** The thesis-style tables: medians per cell, then ratios between runtimes. */
import type { IdleDrift } from '../../measure/block-figures.js';
import { headerLines } from '../header-lines.js';
import type { ExperimentReport, Report, ResultRow } from '../report.js';
import { type Columns, ratioColumns, resultColumns } from '../result-columns.js';
import { resumedText } from '../resumed-text.js';
import { mdTable } from './format.js';

const columnsTable = ({ head, rows }: Columns) => mdTable(head, rows);

export const METHOD_NOTE =
  'Medians in ms over successful measured invocations (warm-ups excluded). ' +
  'CI: 95% interval of the median from order statistics (binomial, Le Boudec). ' +
  'Ratios: median over median, 95% percentile-bootstrap interval (2000 resamples, fixed seed; ' +
  'a side over 5000 invocations thinned to 5000 first). ' +
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

export const ENERGY_NOTE =
  "Energy: each runtime runs back to back for blocks of time, alternating A B A B; a block's " +
  'energy (trapezoids over the readings) divided by its invocations. Gross includes idle; net ' +
  'subtracts the mean of idle measured before and after. µWh per invocation, median over ' +
  'blocks; 95% interval of that median from order statistics (needs 6 blocks). Thesis: mean ' +
  'power of the readings inside each invocation times its duration, invocations without a ' +
  'reading dropped, gross.';

/** A log's report: its header, then one section per machine, profile and segment. */
export function renderMarkdown(report: Report): string {
  const cellsSayEmulated = report.sections.some((section) =>
    section.experiments.some((e) => e.results.some((r) => r.emulated)),
  );
  const parts: string[] = [renderHeader(report, cellsSayEmulated)];
  const many = report.sections.length > 1;
  for (const section of report.sections) {
    if (many) parts.push(`## ${section.title}`);
    for (const experiment of section.experiments) {
      parts.push(experimentMarkdown(experiment, many ? '###' : '##'));
    }
  }
  parts.push(notes(report.sections.flatMap((s) => s.experiments)));
  return `${parts.join('\n\n')}\n`;
}

/** One experiment, as `nebula bench` prints it. */
export function renderExperimentMarkdown(experiment: ExperimentReport): string {
  return `${[experimentMarkdown(experiment, '##', false), notes([experiment])].join('\n\n')}\n`;
}

function notes(experiments: readonly ExperimentReport[]): string {
  const energy = experiments.some((e) => e.results.some((r) => r.energy));
  return energy ? `${METHOD_NOTE}\n\n${ENERGY_NOTE}` : METHOD_NOTE;
}

function experimentMarkdown(e: ExperimentReport, level: string, titled = true): string {
  const parts: string[] = [];
  const emulated = [...new Set(e.results.flatMap((cell) => cell.emulated ?? []))];
  const warnings = emulated.map(
    (note) => `**EMULATED** (${note}): these timings are not performance figures.`,
  );
  if (!titled) parts.push(...warnings);
  const head = titled ? `${level} Experiment ${e.experiment}\n\n` : `${level} Results\n\n`;
  const lines: string[] = [];
  if (e.power) {
    lines.push(
      `- Power: ${e.power.source} (${e.power.kind}${e.power.simulated ? ', SIMULATED' : ''})`,
    );
  }
  if (e.idle) lines.push(`- Idle: ${idleText(e.idle)}`);
  if (e.driver) lines.push(`- Driver: ${e.driver}; timings: ${e.timing ?? 'not said'}`);
  if (e.clocks) lines.push(`- Clocks: ${e.clocks}`);
  for (const pause of e.resumed ?? []) lines.push(`- ${resumedText(pause)}`);
  parts.push(
    `${head}${lines.length ? `${lines.join('\n')}\n\n` : ''}${columnsTable(resultColumns(e.results))}`,
  );
  if (titled) parts.push(...warnings);
  if (e.results.some(lacksMarks)) parts.push(UNMARKED_NOTE);
  const reasons = e.results.flatMap((r) =>
    r.energy?.reason ? [`- ${r.function} ${r.runtime}: ${r.energy.reason}`] : [],
  );
  if (reasons.length > 0) parts.push(`Energy notes:\n\n${reasons.join('\n')}`);
  if (e.comparisons.length > 0) {
    parts.push(
      `${titled ? `${level}#` : level} Ratios\n\n${columnsTable(ratioColumns(e.comparisons))}`,
    );
  }
  return parts.join('\n\n');
}

/** Idle before and after, and its drift, as one line (the console's results view too). */
export function idleText(idle: IdleDrift): string {
  const w = (f: IdleDrift['before']) =>
    f?.watts == null ? `– (${f?.reason ?? 'not measured'})` : `${f.watts.toFixed(3)} W`;
  const drift =
    idle.drift === null
      ? ''
      : `, drift ${(idle.drift * 100).toFixed(1)}%${idle.flagged ? ' (FLAGGED: over 5%)' : ''}`;
  return `before ${w(idle.before)}, after ${w(idle.after)}${drift}`;
}

function renderHeader(report: Report, cellsSayEmulated: boolean): string {
  const lines = ['# Nebula session report', ''];
  const h = report.header;
  if (h) {
    lines.push(...headerLines(h).map((line) => `- ${line}`));
    if (h.machine.emulation && !cellsSayEmulated)
      lines.push(`- EMULATED (${h.machine.emulation}): timings are not performance figures`);
  } else {
    lines.push('- No header record: machine and versions unknown.');
  }
  const experiments = report.sections.reduce((n, s) => n + s.experiments.length, 0);
  lines.push(
    `- Experiments: ${experiments}; invocations: ${report.measured} measured, ${report.warmups} warm-up`,
  );
  if (report.sections.length > 1) {
    lines.push(`- Sections (never pooled): ${report.sections.map((s) => s.title).join('; ')}`);
  }
  const others = Object.entries(report.otherRecords);
  if (others.length > 0)
    lines.push(`- Other records: ${others.map(([type, count]) => `${type} ${count}`).join(', ')}`);
  return lines.join('\n');
}

/** A cell where some successful invocations have no input or thesis phase. */
function lacksMarks(r: ResultRow): boolean {
  return [r.stats.inputMs, r.stats.outputMs, r.stats.thesisStartupMs].some((s) => s.n < r.n);
}
