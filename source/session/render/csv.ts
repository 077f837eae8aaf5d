/** CSV for R or pandas: one row per invocation (report), or one row per cell (bench). */
import { PHASES } from '../../core/invocation.js';
import type { CellResult } from '../../experiment/results.js';
import type { InvocationRecord } from '../records.js';
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
  let text = csvLine(INVOCATION_COLUMNS);
  for (const r of records) {
    text += csvLine([
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
  return text;
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

export function renderSummaryCsv(results: readonly CellResult[]): string {
  // startupMs -> startup_ms, thesisStartupMs -> thesis_startup_ms.
  const phaseNames = PHASES.map((phase) => phase.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  const head = ['function', 'runtime', 'mode', 'input', 'n', 'failures'];
  for (const phase of phaseNames) for (const stat of STAT_COLUMNS) head.push(`${phase}_${stat}`);
  head.push('total_ms_outliers');
  let text = csvLine(head);
  for (const r of results) {
    const row: Array<string | number | null> = [
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
    row.push(r.outliers.totalMs.count);
    text += csvLine(row);
  }
  return text;
}
