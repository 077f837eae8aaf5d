/**
 * The plan picker's side of the console: the plan files listed (plan-list.ts) with the
 * profile's settings, the catalog of the machine the functions run on and, once read, the
 * costs of earlier sessions on that machine for each plan's estimated duration
 * (measure/estimate.ts); the highlighted file read again when it is run.
 */
import { costsFromLogs, machineOf, sessionLogs } from '../measure/cost-from-logs.js';
import { CostBook } from '../measure/cost-model.js';
import type { PowerSource } from '../power/source.js';
import type { Profile } from '../profiles/schema.js';
import type { TargetEngine } from '../target/target-engine.js';
import { type EntryOptions, listPlans, type PlanRun, planRun } from './plan-list.js';
import type { PlanEntry } from './state.js';
import type { ConsoleStore } from './store.js';

export interface PickerContext {
  store: ConsoleStore;
  engine: () => TargetEngine | null;
  profile: () => Profile;
  /** The power source when it is up, else null. */
  power: () => PowerSource | null;
  /** Where earlier session logs are (this console's own folder). */
  logsDir: string;
}

export class PlanPickerFeed {
  /** Earlier sessions' costs, read once each time the picker opens. */
  private costs: CostBook | undefined;
  private reading: Promise<void> | null = null;

  constructor(private readonly context: PickerContext) {}

  /** The picker opens: the list now, the estimates once the logs are read (a run since counts). */
  open(thin: number): void {
    this.costs = undefined;
    this.list(thin);
  }

  /** The list at this thinning. */
  list(thin: number): void {
    const engine = this.context.engine();
    if (!engine) return;
    this.context.store.dispatch({ type: 'plans', ...listPlans(this.options(engine, thin)) });
    if (!this.costs) this.readCosts(engine);
  }

  /** The highlighted plan file, read again now; null when not connected. */
  run(entry: PlanEntry, thin: number): PlanRun | null {
    const engine = this.context.engine();
    if (!engine) return null;
    return planRun(entry, this.options(engine, thin), this.context.power() !== null);
  }

  private options(engine: TargetEngine, thin: number): EntryOptions {
    const { experiment } = this.context.profile();
    const power = this.context.power();
    return {
      thin,
      settings: experiment,
      fn: (name) => engine.fn(name),
      costs: this.costs,
      intervalS: power ? power.expectedPeriodMs / 1000 : undefined,
    };
  }

  private readCosts(engine: TargetEngine): void {
    if (this.reading) return;
    const machine = machineOf(engine.header(this.context.profile().name, []));
    this.reading = costsFromLogs(sessionLogs(this.context.logsDir), machine)
      .then(({ book }) => {
        this.costs = book;
      })
      .catch(() => {
        this.costs = new CostBook(); // logs that cannot be read: nothing to go by
      })
      .finally(() => {
        this.reading = null;
        const { overlay, plans } = this.context.store.current;
        if (overlay === 'plans') this.list(plans.thin);
      });
  }
}
