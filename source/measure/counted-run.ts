import { buildPlan } from '../core/plan.js';
import { CellCollector } from '../experiment/results.js';
import { ExperimentRunner } from '../experiment/runner.js';
import type { AnyRecord } from '../session/records.js';
import { invocationRecord } from '../session/session-log.js';
import type { MeasureClock } from './clock.js';
import type { ExperimentPlan } from './plan.js';
import type { ExperimentOutcome, SessionOptions } from './types.js';

/** A plan without energy: a fixed number of invocations per cell, through the runner. */
export async function runCounted(
  plan: ExperimentPlan,
  options: SessionOptions,
  clock: MeasureClock,
  experiment: string,
  signal: AbortSignal,
  log: (record: AnyRecord) => void,
): Promise<ExperimentOutcome> {
  const steps = buildPlan({
    functions: plan.functions,
    runtimes: plan.runtimes,
    ...(plan.lanes ? { lanes: plan.lanes } : {}),
    modes: plan.modes,
    repetitions: plan.repetitions,
    warmup: plan.warmup,
    order: plan.order,
  });
  const around = options.around ?? ((invoke) => invoke());
  // A resumed run goes on from its record's step, its kept invocations counted first.
  const from = options.resume?.record.fromStep ?? 0;
  const kept = options.resume?.kept ?? [];
  const runner = new ExperimentRunner(steps.slice(from), {
    invoke: (cell, abort) => around(() => options.invoke(cell, abort)),
    pauseMs: plan.pauseMs,
    signal,
    clock: { now: () => clock.wallMs() },
    sleep: (ms, abort) => clock.sleep(ms, abort),
    experimentId: experiment,
  });
  options.onEvent?.({ type: 'start', experiment, energy: false, total: steps.length - from });
  const collector = new CellCollector();
  for (const record of kept) collector.add({ warmup: record.warmup, result: record });
  let measured = kept.filter((record) => !record.warmup).length;
  runner.on('record', ({ record, done }) => {
    collector.add(record);
    if (!record.warmup) measured++;
    log(invocationRecord(record));
    options.onEvent?.({ type: 'invocation', record, done });
  });
  const outcome = await runner.run();
  log({
    type: 'experiment-end',
    experiment,
    at: clock.wallMs(),
    aborted: outcome.aborted,
    idle: null,
  });
  return {
    experiment,
    aborted: outcome.aborted,
    ...collector.results(),
    energy: [],
    idle: null,
    blockSeconds: null,
    intervalS: null,
    invocations: kept.length + outcome.finished,
    measured,
    cells: collector.cells(),
    planned: from + outcome.planned,
  };
}
