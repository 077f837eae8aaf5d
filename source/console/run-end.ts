/**
 * A console run's end, `s` or a plan file alike: its phase, its report in the results view
 * (`r`, as `nebula report` shows it), and a notice of what ran or why it failed.
 */
import { ExperimentPlanError } from '../measure/plan.js';
import type { PowerSource } from '../power/source.js';
import { outcomeReport } from '../report/report.js';
import type { TargetOutcome } from '../target/target-engine.js';
import type { RunAbout } from './experiment.js';
import { powerInfo } from './functions.js';
import { experimentLines } from './results-view.js';
import type { ExperimentView } from './state.js';
import type { ConsoleStore } from './store.js';

/** Where a run's end is told: the store (results, footer), the session log, the footer's notice. */
export interface RunReporting {
  store: ConsoleStore;
  log: { error(message: string): void };
  say: (text: string, error?: boolean) => void;
}

/**
 * A run's end: its phase, its report in the results view (`r`), a notice of what ran; a run
 * that failed says why. Resolves with the outcome, or null when the run failed.
 */
export async function reportRun(
  run: Promise<TargetOutcome>,
  about: RunAbout,
  power: PowerSource | null,
  { store, log, say }: RunReporting,
): Promise<TargetOutcome | null> {
  const phase = (value: ExperimentView['phase']) => {
    const current = store.current.experiment;
    if (current) store.dispatch({ type: 'experiment', experiment: { ...current, phase: value } });
  };
  try {
    const outcome = await run;
    phase(outcome.aborted ? 'stopped' : 'done');
    const report = outcomeReport(outcome, power ? powerInfo(power) : null);
    store.dispatch({ type: 'results', lines: experimentLines(report, outcome.aborted) });
    const what = about.file
      ? `plan ${about.file.name} (experiment ${outcome.experiment})`
      : `experiment ${outcome.experiment} on ${about.runtimes.join(' and ')}`;
    const stopped = outcome.aborted ? ' (stopped)' : '';
    const idle = outcome.idle?.flagged ? `; ${outcome.idle.reason}` : '';
    say(`${what}: ${outcome.measured} invocations${stopped}${idle}`);
    if (outcome.lost) {
      say(outcome.lost, true);
      log.error(outcome.lost);
    }
    return outcome;
  } catch (error) {
    phase('stopped');
    const text =
      error instanceof ExperimentPlanError
        ? error.message
        : `experiment failed: ${(error as Error).message}`;
    say(text, true);
    log.error(text);
    return null;
  }
}
