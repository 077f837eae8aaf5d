/**
 * The status bar's machine: which one the functions run on and whether it answers. A
 * gateway is asked GET /health every interval; this machine always answers.
 */
import { hostname } from 'node:os';
import { machineSummary } from '../engine/machine.js';
import type { TargetEngine } from '../target/target-engine.js';
import type { TargetView } from './state.js';
import type { ConsoleStore } from './store.js';

export class TargetWatch {
  private timer: NodeJS.Timeout | undefined;
  private view: TargetView;

  constructor(
    private readonly engine: TargetEngine,
    private readonly store: ConsoleStore,
    private readonly options: { intervalMs: number; current: () => boolean },
  ) {
    const { gateway, host, machine } = engine.where;
    this.view = {
      kind: gateway ? 'gateway' : 'local',
      state: 'up',
      url: gateway,
      host: host ?? (gateway ? null : hostname()),
      detail: machine ? machineSummary(machine) : null,
    };
  }

  async start(): Promise<void> {
    this.publish(this.view);
    try {
      const machine = await this.engine.machine();
      this.publish({ ...this.view, host: machine.hostname, detail: machineSummary(machine) });
      if (this.gateway && this.options.current()) {
        this.store.dispatch({
          type: 'message',
          text: `functions run on ${machineSummary(machine)}`,
          error: false,
        });
      }
    } catch (error) {
      if (this.gateway) this.down((error as Error).message);
    }
    // This process always answers; a gateway is asked again every interval.
    if (!this.gateway) return;
    const engine = this.engine;
    this.timer = setInterval(async () => {
      const why = await engine.reachable();
      if (why === null) this.publish({ ...this.view, state: 'up' });
      else this.down(why);
    }, this.options.intervalMs);
    this.timer.unref();
  }

  private get gateway(): string | null {
    return this.engine.where.gateway;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private down(why: string): void {
    this.publish({ ...this.view, state: 'down', detail: why });
  }

  private publish(view: TargetView): void {
    if (!this.options.current()) return;
    // The machine line is kept across an outage, so it comes back with the machine.
    if (view.state === 'up') this.view = view;
    this.store.dispatch({ type: 'target', target: view });
  }
}
