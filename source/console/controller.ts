/**
 * The console without a screen: it owns the connection (engine, power source: connection.ts),
 * the session log and the running experiment, and turns commands (invoke, start, stop, switch
 * profile, quit) into store actions. The Ink view only reads the store and calls these
 * methods; tests drive it the same way. One file because every command checks and changes the
 * same few things (busy, quitting, the running experiment), and they stay together here.
 */

import { dirname } from 'node:path';
import { processEmulation } from '../core/emulation.js';
import type { MeasureClock } from '../measure/clock.js';
import type { PlanEstimate } from '../measure/estimate.js';
import type { ExperimentPlan } from '../measure/plan.js';
import type { PowerSource } from '../power/source.js';
import { defaultProfilesDir, listProfiles, loadProfile } from '../profiles/load.js';
import type { Profile } from '../profiles/schema.js';
import type { TargetEngine, TargetOutcome } from '../target/target-engine.js';
import { type ConnectionOptions, ConsoleConnection } from './connection.js';
import { ConsoleLog } from './console-log.js';
import { deployFunction } from './deploy.js';
import { consolePlan, type RunAbout, runConsolePlan } from './experiment.js';
import { invokeSafely, roundTrip } from './functions.js';
import { nextThin } from './plan-list.js';
import { PlanPickerFeed } from './plan-picker.js';
import { followRunCost } from './run-cost.js';
import { reportRun } from './run-end.js';
import {
  type ConsoleState,
  currentInput,
  initialState,
  PANE_RUNTIMES,
  type PaneRuntime,
  selectedFunction,
  sideRuntime,
} from './state.js';
import { ConsoleStore } from './store.js';

export interface ConsoleOptions extends ConnectionOptions {
  /** A name in the profiles folder or a path to a .json file. */
  profile?: string;
  profilesDir?: string;
  /** Folder of new session logs (default logs/), or one file to append to. */
  logsDir?: string;
  logPath?: string;
  /** The measurement session's clock (tests inject a virtual one). */
  clock?: MeasureClock;
}

/** What `w`, `c` and `b` run. */
export type InvokeTarget = PaneRuntime | 'both';

export class ConsoleController {
  readonly store: ConsoleStore;
  private profile: Profile;
  private readonly profilesDir: string;
  private readonly log: ConsoleLog;
  private connection: ConsoleConnection | null = null;
  private experiment: { abort: AbortController; done: Promise<void> } | null = null;
  /** The figures of the last experiment, as the session computed them. */
  lastOutcome: TargetOutcome | null = null;
  private invoking: Promise<void> | null = null;
  private connecting: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private started = false;
  private readonly plans: PlanPickerFeed;

  /** Loads the profile (a ProfileError says what is wrong) and opens the session log. */
  constructor(private readonly options: ConsoleOptions = {}) {
    this.profilesDir = options.profilesDir ?? defaultProfilesDir();
    this.profile = loadProfile(options.profile, this.profilesDir);
    this.store = new ConsoleStore(initialState(this.profile, processEmulation()));
    this.log = ConsoleLog.create(this.profile.name, {
      dir: options.logsDir,
      path: options.logPath,
    });
    this.store.dispatch({ type: 'log-path', path: this.log.path, segment: 0 });
    this.plans = new PlanPickerFeed({
      store: this.store,
      engine: () => this.engine,
      profile: () => this.profile,
      power: () => this.powerUp(),
      logsDir: dirname(this.log.path),
    });
  }

  get state(): ConsoleState {
    return this.store.current;
  }

  /** Connects everything for the current profile; the first frame does not wait for it. */
  start(): Promise<void> {
    const first = !this.started;
    this.started = true;
    const connection: ConsoleConnection = new ConsoleConnection(this.profile, {
      store: this.store,
      log: this.log,
      options: this.options,
      say: (text, error) => this.say(text, error),
      // Quitting, or another connection took this one's place.
      closing: (): boolean => this.closing !== null || this.connection !== connection,
      retry: () => void this.start(),
    });
    this.connection = connection;
    const connecting = connection.open(first).finally(() => {
      this.connecting = null;
    });
    this.connecting = connecting;
    return connecting;
  }

  private get engine(): TargetEngine | null {
    return this.connection?.engine ?? null;
  }

  invoke(target: InvokeTarget): void {
    const fn = selectedFunction(this.state);
    const engine = this.engine;
    if (this.refuse('invoke') || !fn || !engine) return;
    const sides: PaneRuntime[] = target === 'both' ? [...PANE_RUNTIMES] : [target];
    const wanted = sides.map((side) => sideRuntime(this.state, side));
    const runtimes = wanted.filter((runtime) => !fn.unavailable[runtime]);
    for (const runtime of wanted.filter((runtime) => fn.unavailable[runtime])) {
      this.say(`${fn.name} cannot run on ${runtime}: ${fn.unavailable[runtime]}`, true);
    }
    if (runtimes.length === 0) return;
    const input = currentInput(this.state);
    const mode = this.state.mode;
    this.log.action('invoke', { function: fn.name, runtimes, mode, input });
    this.store.dispatch({ type: 'busy', busy: true });
    this.invoking = (async () => {
      for (const runtime of runtimes) {
        if (this.closing) break;
        const at = Date.now();
        const result = await this.aroundInvocation(() =>
          invokeSafely(engine, fn.name, runtime, input, mode),
        );
        this.log.manual(result, at);
        this.store.dispatch({ type: 'invocation', result });
        this.say(
          result.ok
            ? `${fn.name} on ${runtime}: ${result.timings.totalMs.toFixed(2)} ms${roundTrip(result)}`
            : `${fn.name} on ${runtime} failed (${result.failure}): ${result.error}`,
          !result.ok,
        );
      }
    })().finally(() => {
      this.invoking = null;
      this.store.dispatch({ type: 'busy', busy: false });
    });
  }

  /** The Wasm side runs the component (`wasm`) or the preview1 module on node:wasi (`wasm-p1`). */
  switchWasmRuntime(): void {
    const runtime = this.state.wasmRuntime === 'wasm' ? 'wasm-p1' : 'wasm';
    this.store.dispatch({ type: 'wasm-runtime', runtime });
    this.log.action('wasm-runtime', { runtime });
    this.say(
      `the Wasm side runs ${runtime === 'wasm' ? 'wasm (the component, jco)' : 'wasm-p1 (node:wasi)'}`,
    );
  }

  /** `d`: the selected function on every runtime it supports, each row reported as it ends. */
  deploy(): void {
    const fn = selectedFunction(this.state);
    const engine = this.engine;
    if (this.refuse('deploy') || !fn || !engine) return;
    this.log.action('deploy', { function: fn.name });
    this.store.dispatch({ type: 'busy', busy: true });
    this.invoking = deployFunction(engine, fn, this.store, this.state.docker.state !== 'down')
      .then(() => undefined)
      .catch((error: Error) => this.say(`deploy ${fn.name}: ${error.message}`, true))
      .finally(() => {
        this.invoking = null;
        this.store.dispatch({ type: 'busy', busy: false });
      });
  }

  toggleMode(): void {
    this.store.dispatch({ type: 'toggle-mode' });
    this.log.action('mode', { mode: this.state.mode });
  }

  applyInput(): void {
    this.store.dispatch({ type: 'apply-draft' });
    const fn = selectedFunction(this.state);
    if (fn) this.log.action('input', { function: fn.name, input: currentInput(this.state) });
  }

  startExperiment(): void {
    const fn = selectedFunction(this.state);
    const engine = this.engine;
    if (this.refuse('start an experiment') || !fn || !engine) return;
    const wasm = this.state.wasmRuntime;
    const runtimes = PANE_RUNTIMES.map((side) => sideRuntime(this.state, side)).filter(
      (runtime) =>
        !fn.unavailable[runtime] && (runtime !== 'container' || this.state.docker.state !== 'down'),
    );
    if (fn.unavailable.container) {
      this.say(`${fn.name} runs on ${wasm} only: ${fn.unavailable.container}`, true);
    } else if (runtimes.length < PANE_RUNTIMES.length) {
      this.say(`the Docker engine is down: this experiment runs on ${wasm} only`, true);
    }
    const power = this.powerUp();
    if (!power) this.say('no power source is up: this experiment measures time only');
    const chosen = {
      function: fn.name,
      input: currentInput(this.state),
      mode: this.state.mode,
      runtimes,
      energy: power !== null,
    };
    this.log.action('experiment-start', { function: fn.name, runtimes, mode: this.state.mode });
    // A plan the schema refuses ends the run with its message, as a failed run does.
    const plan = () => consolePlan(this.profile.experiment, chosen);
    this.launch(plan, { function: fn.name, runtimes, file: null }, power, engine);
  }

  /** `f`: the plan files, read with this profile's settings and the picker's thinning. */
  openPlans(): void {
    if (this.refuse('choose a plan')) return;
    this.plans.open(this.state.plans.thin);
    this.store.dispatch({ type: 'open', overlay: 'plans' });
  }

  /** The picker's thinning one step up (+1, fewer inputs) or down; the counts follow. */
  thinPlans(direction: 1 | -1): void {
    this.plans.list(nextThin(this.state.plans.thin, direction));
  }

  /** Enter in the picker: the file, read again now, runs as `s` does; a bad one stays listed. */
  runPlan(): void {
    const engine = this.engine;
    const { entries, index, thin } = this.state.plans;
    const entry = entries[index];
    if (!entry || this.refuse('run a plan') || !engine) return;
    const run = this.plans.run(entry, thin);
    if (!run) return;
    if ('error' in run) {
      this.plans.list(thin); // the file as it is now, its error beside it
      this.say(run.error, true);
      return;
    }
    this.store.dispatch({ type: 'close' });
    this.log.action('plan-start', run.logged);
    if (run.notice) this.say(run.notice);
    this.launch(() => run.plan, run.about, this.powerUp(), engine, run.estimate);
  }

  /** The profile's power source when it is up, else null (a run then measures time only). */
  private powerUp(): PowerSource | null {
    const source = this.connection?.power ?? null;
    return source && source.status().state === 'up' ? source : null;
  }

  /** `s` and a plan file alike: the session runs it, the footer, panes and results follow. */
  private launch(
    plan: () => ExperimentPlan,
    about: RunAbout,
    power: PowerSource | null,
    engine: TargetEngine,
    estimate: PlanEstimate | null = null,
  ): void {
    const abort = new AbortController();
    const stopCost = followRunCost(this.store, this.log.path);
    const run = (async () =>
      runConsolePlan(plan(), about, engine, power, abort.signal, {
        clock: this.options.clock,
        around: (invoke) => this.aroundInvocation(invoke),
        log: (record) => this.log.append(record),
        store: this.store,
        // A plan file's run logs the deployed sizes first, as `nebula bench --plan` does.
        sizes: about.file !== null,
        estimate,
      }))();
    const done = reportRun(run, about, power, {
      store: this.store,
      log: this.log,
      say: (text, error) => this.say(text, error),
    })
      .then((outcome) => {
        if (outcome) this.lastOutcome = outcome;
      })
      .finally(() => {
        stopCost();
        this.experiment = null;
      });
    this.experiment = { abort, done };
  }

  /** Resolves when the running experiment (if any) has finished and reported. */
  async experimentDone(): Promise<void> {
    await this.experiment?.done;
  }

  async stopExperiment(): Promise<void> {
    const running = this.experiment;
    if (!running) {
      this.say('no experiment is running');
      return;
    }
    this.log.action('experiment-stop');
    this.say('stopping after the current invocation');
    running.abort.abort();
    await running.done;
  }

  /** Lists the profiles folder for the picker, then opens it. */
  openProfiles(): void {
    const choices = listProfiles(this.profilesDir);
    if (!choices.includes(this.profile.name)) choices.unshift(this.profile.name);
    this.store.dispatch({ type: 'profile-choices', choices });
    this.store.dispatch({ type: 'open', overlay: 'profiles' });
  }

  /** Reconnects everything for another profile and starts a new segment of the log. */
  async switchProfile(name: string): Promise<void> {
    if (this.closing) return;
    let next: Profile;
    try {
      next = loadProfile(name, this.profilesDir);
    } catch (error) {
      const text = (error as Error).message;
      this.say(text, true);
      this.log.error(text);
      return;
    }
    this.log.action('profile', { from: this.profile.name, to: next.name });
    if (this.experiment) {
      this.experiment.abort.abort();
      await this.experiment.done;
    }
    await this.invoking;
    await this.connecting;
    await this.disconnect();
    this.profile = next;
    const segment = this.log.startSegment(next, 'profile switch');
    this.store.dispatch({
      type: 'profile',
      name: next.name,
      label: next.label,
      choices: this.state.profile.choices,
    });
    this.store.dispatch({ type: 'log-path', path: this.log.path, segment });
    this.say(`switched to profile ${next.name} (${next.label})`);
    await this.start();
  }

  /** Stops the experiment, the warm containers (engine close) and the power source; ends the log. */
  close(reason = 'quit'): Promise<void> {
    this.closing ??= (async () => {
      this.store.dispatch({ type: 'quitting' });
      this.store.flush();
      this.experiment?.abort.abort();
      await this.experiment?.done;
      await this.connecting?.catch(() => undefined);
      await this.disconnect();
      await this.invoking;
      this.log.close(reason);
      this.store.close();
    })();
    return this.closing;
  }

  private async disconnect(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    await connection?.close();
  }

  /** The screen draws between invocations, never during one (see ConsoleStore.hold). */
  private async aroundInvocation<T>(invoke: () => Promise<T>): Promise<T> {
    await this.store.settle();
    this.store.hold();
    try {
      return await invoke();
    } finally {
      this.store.unhold();
    }
  }

  /** Says why a command cannot run now, if it cannot. */
  private refuse(what: string): boolean {
    const why = this.closing
      ? 'quitting'
      : this.experiment
        ? 'an experiment is running; press x to stop it first'
        : this.invoking
          ? 'still busy with the last invocation or deploy'
          : !this.engine || this.state.functions.length === 0
            ? 'not connected yet'
            : null;
    if (why) this.say(`cannot ${what}: ${why}`, true);
    return why !== null;
  }

  private say(text: string, error = false): void {
    this.store.dispatch({ type: 'message', text, error });
  }
}
