/**
 * The status bar's machine: which one the functions run on and whether it answers. A
 * gateway is asked GET /health every interval; this machine always answers.
 */
import { hostname } from 'node:os';
import type { InvocationEngine } from '../engine/invocation-engine.js';
import { machineSummary } from '../engine/machine.js';
import { RemoteEngine } from '../remote/remote-engine.js';
import type { TargetView } from './state.js';
import type { ConsoleStore } from './store.js';

export class TargetWatch {
  private timer: NodeJS.Timeout | undefined;
  private view: TargetView;

  constructor(
    private readonly engine: InvocationEngine,
    private readonly store: ConsoleStore,
    private readonly options: { intervalMs: number; current: () => boolean },
  ) {
    const remote = engine instanceof RemoteEngine;
    const described = remote ? engine.description?.machine : null;
    this.view = {
      kind: remote ? 'gateway' : 'local',
      state: 'up',
      url: remote ? engine.url : null,
      host: described?.hostname ?? (remote ? null : hostname()),
      detail: described ? machineSummary(described) : null,
    };
  }

  async start(): Promise<void> {
    this.publish(this.view);
    try {
      const machine = await this.engine.machine();
      this.publish({ ...this.view, host: machine.hostname, detail: machineSummary(machine) });
      if (this.engine instanceof RemoteEngine && this.options.current()) {
        this.store.dispatch({
          type: 'message',
          text: `functions run on ${machineSummary(machine)}`,
          error: false,
        });
      }
    } catch (error) {
      if (this.engine instanceof RemoteEngine) this.down((error as Error).message);
    }
    if (!(this.engine instanceof RemoteEngine)) return;
    const engine = this.engine;
    this.timer = setInterval(async () => {
      const why = await engine.reachable();
      if (why === null) this.publish({ ...this.view, state: 'up' });
      else this.down(why);
    }, this.options.intervalMs);
    this.timer.unref();
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
