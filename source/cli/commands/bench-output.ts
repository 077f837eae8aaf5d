/** What `nebula bench` prints of an outcome: the figures in the format asked, and what went wrong. */
import type { RuntimeName } from '../../core/invocation.js';
import type { ExperimentPlan } from '../../measure/plan.js';
import type { PowerSource } from '../../power/source.js';
import { renderSummaryCsv } from '../../report/render/csv.js';
import { renderResultsJson } from '../../report/render/json.js';
import { renderExperimentMarkdown } from '../../report/render/markdown.js';
import { outcomeReport } from '../../report/report.js';
import { markdownTable } from '../../report/table.js';
import { ladderRows, ladderTable } from '../../report/variant-ladder.js';
import type { TargetOutcome } from '../../target/target-engine.js';
import { EXIT_FAILED } from '../run.js';

/** A cell that is not run because the runtime can never run the function, and why. */
export interface SkippedCell {
  function: string;
  runtime: RuntimeName;
  reason: string;
}

export interface PrintContext {
  plan: ExperimentPlan;
  format: 'json' | 'csv' | 'markdown';
  /** The source that measured the energy (a gateway's, described here). */
  power: PowerSource | null;
  skipped: SkippedCell[];
  /** Variants were compared: the ladder table follows the markdown. */
  ladder: boolean;
}

/** Prints the outcome; a lost connection or a failed invocation sets the exit code. */
export function printOutcome(
  outcome: TargetOutcome,
  { plan, format, power, skipped, ladder }: PrintContext,
  io: { out: (text: string) => void; err: (text: string) => void },
): void {
  const report = outcomeReport(
    outcome,
    power && plan.energy
      ? { source: power.label, kind: power.kind, simulated: power.simulated }
      : null,
  );
  if (outcome.lost) io.err(`${outcome.lost}\n`);
  for (const cell of outcome.energy) {
    if (cell.reason) io.err(`power: ${cell.cell}: ${cell.reason}\n`);
  }
  if (outcome.idle?.flagged) io.err(`power: ${outcome.idle.reason}\n`);
  if (format === 'json') {
    io.out(renderResultsJson({ ...report, aborted: outcome.aborted, skipped }));
  } else if (format === 'csv') io.out(renderSummaryCsv(report.results));
  else {
    io.out(renderExperimentMarkdown(report));
    for (const cell of skipped) {
      io.out(`\nSkipped: ${cell.function} on ${cell.runtime}: ${cell.reason}\n`);
    }
    const steps = ladder ? ladderRows(outcome.cells) : [];
    if (steps.length > 0) io.out(`\n${markdownTable(ladderTable(steps))}\n`);
  }
  if (outcome.aborted && !outcome.lost) {
    const ran = outcome.invocations;
    io.err(
      plan.energy
        ? `interrupted: ${ran} invocations ran, in ${blocksRan(outcome)} of ${outcome.planned} blocks\n`
        : `interrupted: ${ran} of ${outcome.planned} invocations ran\n`,
    );
  } else if (outcome.lost || report.results.some((result) => result.failures > 0)) {
    process.exitCode = EXIT_FAILED;
  }
}

function blocksRan(outcome: TargetOutcome): number {
  return outcome.energy.reduce((n, cell) => n + cell.blocks.length, 0);
}
