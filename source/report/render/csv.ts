/** CSV for R or pandas: one row per invocation (report), or one row per cell (bench). */
import { PHASES } from '../../core/invocation.js';
import type { InvocationRecord } from '../../session/records.js';
import type { Report, ResultRow } from '../report.js';
import { csvLine } from './format.js';

const INVOCATION_COLUMNS = [
  'experiment',
  'step',
  'function',
  'runtime',
  'mode',
  'input',
  'repetition',
  'warmup',
  'ok',
  'failure',
  'exit_code',
  'startup_ms',
  'input_ms',
  'exec_ms',
  'output_ms',
  'teardown_ms',
  'total_ms',
  'thesis_startup_ms',
  'thesis_runtime_ms',
  'output_bytes',
  'at_ms',
  'accepted_at_ns',
  'error',
  'variant',
  'peak_memory_bytes',
  'memory_source',
  'worker_growth_bytes',
];

export function renderInvocationsCsv(records: readonly InvocationRecord[]): string {
  let text = invocationsCsvHead();
  for (const r of records) text += invocationCsvRow(r);
  return text;
}

export function invocationsCsvHead(): string {
  return csvLine(INVOCATION_COLUMNS);
}

/** One invocation's line, written as the log is read (a report streams its rows). */
export function invocationCsvRow(r: InvocationRecord): string {
  return csvLine([
    r.experiment,
    r.step,
    r.function,
    r.runtime,
    r.mode,
    r.input,
    r.repetition,
    r.warmup,
    r.ok,
    r.failure,
    r.exitCode,
    r.timings.startupMs,
    r.timings.inputMs,
    r.timings.execMs,
    r.timings.outputMs,
    r.timings.teardownMs,
    r.timings.totalMs,
    r.timings.thesisStartupMs,
    r.timings.thesisRuntimeMs,
    r.outputBytes,
    r.at,
    r.acceptedAtNs,
    r.error,
    r.variant ?? '',
    r.memory?.peakBytes ?? null,
    r.memory?.source ?? '',
    r.memory?.workerGrowthBytes ?? null,
  ]);
}

const STAT_COLUMNS = [
  'mean',
  'median',
  'stddev',
  'min',
  'max',
  'p95',
  'p99',
  'ci_low',
  'ci_high',
] as const;

const ENERGY_COLUMNS = [
  'energy_gross_uwh',
  'energy_net_uwh',
  'energy_gross_ci_low',
  'energy_gross_ci_high',
  'energy_net_ci_low',
  'energy_net_ci_high',
  'energy_blocks',
  'energy_invocations',
  'energy_readings',
  'energy_window_s',
  'energy_idle_w',
  'energy_thesis_gross_uwh',
  'energy_note',
  'energy_net_precision',
  'energy_precision_target',
];

function energyFields(row: ResultRow): Array<string | number | null> {
  const e = row.energy;
  if (!e) return ENERGY_COLUMNS.map(() => null);
  return [
    e.grossMicroWhPerInvocation,
    e.netMicroWhPerInvocation,
    e.ci95.gross.low,
    e.ci95.gross.high,
    e.ci95.net.low,
    e.ci95.net.high,
    e.blocks.length,
    e.invocations,
    e.readings,
    e.seconds,
    e.idleWatts,
    e.thesis.grossMicroWhPerInvocation,
    e.reason,
    e.precision?.net ?? null,
    e.precision?.target ?? null,
  ];
}

/** One row per cell (bench --csv), with the energy columns (empty without energy). */
export function renderSummaryCsv(results: readonly ResultRow[]): string {
  return summaryRows(results, [], () => []);
}

/** One row per cell of every experiment of a log, named by section and experiment. */
export function renderReportSummaryCsv(report: Report): string {
  const rows: Array<{ row: ResultRow; prefix: string[] }> = [];
  for (const section of report.sections) {
    for (const experiment of section.experiments) {
      for (const row of experiment.results) {
        rows.push({ row, prefix: [section.title, experiment.experiment] });
      }
    }
  }
  return summaryRows(
    rows.map((r) => r.row),
    ['section', 'experiment'],
    (i) => rows[i]?.prefix ?? [],
  );
}

function summaryRows(
  results: readonly ResultRow[],
  prefixHead: string[],
  prefix: (index: number) => string[],
): string {
  // startupMs -> startup_ms, thesisStartupMs -> thesis_startup_ms.
  const phaseNames = PHASES.map((phase) => phase.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  const head = [...prefixHead, 'function', 'runtime', 'mode', 'input', 'n', 'failures'];
  for (const phase of phaseNames) for (const stat of STAT_COLUMNS) head.push(`${phase}_${stat}`);
  head.push('total_ms_outliers', ...ENERGY_COLUMNS);
  // The thesis's 240 V method, only where some reading carried the meter's current.
  const with240 = results.some((r) => r.energy?.thesis240V);
  if (with240) head.push('energy_thesis_240v_gross_uwh');
  let text = csvLine(head);
  results.forEach((r, index) => {
    const row: Array<string | number | null> = [
      ...prefix(index),
      r.function,
      r.runtime,
      r.mode,
      r.input,
      r.n,
      r.failures,
    ];
    for (const phase of PHASES) {
      const s = r.stats[phase];
      row.push(s.mean, s.median, s.stddev, s.min, s.max, s.p95, s.p99, s.ci.low, s.ci.high);
    }
    row.push(r.outliers.totalMs.count, ...energyFields(r));
    if (with240) row.push(r.energy?.thesis240V?.grossMicroWhPerInvocation ?? null);
    text += csvLine(row);
  });
  return text;
}
