/**
 * The console without a screen: it owns the engine, the power source, the session log and
 * the running experiment, and turns commands (invoke, start, stop, switch profile, quit) into
 * store actions. The Ink view only reads the store and calls these methods; tests drive it
 * the same way.
 */
import type { FunctionEntry } from '../catalog/catalog.js';
import { processEmulation } from '../core/emulation.js';
import type { RuntimeName } from '../core/invocation.js';
import type { InvocationEngine } from '../engine/invocation-engine.js';
import type { MeasureClock } from '../measure/clock.js';
import { ExperimentPlanError } from '../measure/plan.js';
import type { PowerSource } from '../power/source.js';
import { defaultProfilesDir, listProfiles, loadProfile } from '../profiles/load.js';
import type { Profile } from '../profiles/schema.js';
import { RemoteEngine } from '../remote/remote-engine.js';
import { outcomeReport } from '../report/report.js';
import { sessionHeader } from '../session/header.js';
import type { TargetOutcome } from '../target/on-target.js';
import { ConsoleLog } from './console-log.js';
import { deployFunction } from './deploy.js';
import { checkDeployed, markUnknown } from './deploy-state.js';
import { type DockerWatch, watchDocker } from './docker-watch.js';
import { consolePlan, runConsoleExperiment } from './experiment.js';
import { functionRows, invokeSafely, localFunctions, powerInfo, roundTrip } from './functions.js';
import { feedPower, openPowerSource } from './power-feed.js';
import { experimentLines } from './results-view.js';
import { followRunCost } from './run-cost.js';
import {
  type ConsoleState,
  currentInput,
  type DeployRuntime,
  initialState,
  PANE_RUNTIMES,
  type PaneRuntime,
  type ServiceStatus,
  selectedFunction,
  sideRuntime,
} from './state.js';
import { ConsoleStore } from './store.js';
import { TargetWatch } from './target-watch.js';

export interface ConsoleOptions {
  /** A name in the profiles folder or a path to a .json file. */
  profile?: string;
  profilesDir?: string;
  functionsDir?: string;
  /** Folder of new session logs (default logs/), or one file to append to. */
  logsDir?: string;
  logPath?: string;
  createEngine?: (profile: Profile) => Promise<InvocationEngine>;
  createPower?: (profile: Profile) => PowerSource;
  /** How often the Docker engine is asked again while it is down (5 s). */
  probeIntervalMs?: number;
  /** The measurement session's clock (tests inject a virtual one). */
  clock?: MeasureClock;
  /** How the Docker engine's state is followed (tests inject their own). */
  watchDocker?: typeof watchDocker;
}

/** What `w`, `c` and `b` run. */
export type InvokeTarget = PaneRuntime | 'both';

export class ConsoleController {
  readonly store: ConsoleStore;
  private profile: Profile;
  private readonly profilesDir: string;
  private readonly log: ConsoleLog;
  private engine: InvocationEngine | null = null;
  private power: PowerSource | null = null;
  private unfeedPower: (() => void) | null = null;
  private dockerWatch: DockerWatch | null = null;
  private targetWatch: TargetWatch | null = null;
  private retryTimer: NodeJS.Timeout | undefined;
  private experiment: { abort: AbortController; done: Promise<void> } | null = null;
  /** The figures of the last experiment, as the session computed them. */
  lastOutcome: TargetOutcome | null = null;
  private invoking: Promise<void> | null = null;
  private connecting: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private started = false;
  /** Bumped on every (re)connection, so late answers of an old one are dropped. */
  private generation = 0;

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
  }

  get state(): ConsoleState {
    return this.store.current;
  }

  /** Connects everything for the current profile; the first frame does not wait for it. */
  start(): Promise<void> {
    const first = !this.started;
    this.started = true;
    this.connecting = this.connect(this.profile, first).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
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
    const power = this.power && this.power.status().state === 'up' ? this.power : null;
    if (!power) this.say('no power source is up: this experiment measures time only');
    const plan = consolePlan(this.profile.experiment, {
      function: fn.name,
      input: currentInput(this.state),
      mode: this.state.mode,
      runtimes,
      energy: power !== null,
    });
    const abort = new AbortController();
    this.log.action('experiment-start', { function: fn.name, runtimes, mode: this.state.mode });
    const stopCost = followRunCost(this.store, this.log.path);
    const done = runConsoleExperiment(plan, engine, power, abort.signal, {
      clock: this.options.clock,
      around: (invoke) => this.aroundInvocation(invoke),
      log: (record) => this.log.append(record),
      store: this.store,
      function: fn.name,
      runtimes,
    })
      .then((outcome) => {
        this.setExperiment({ phase: outcome.aborted ? 'stopped' : 'done' });
        this.store.dispatch({
          type: 'results',
          lines: experimentLines(
            outcomeReport(outcome, power ? powerInfo(power) : null),
            outcome.aborted,
          ),
        });
        const ran = outcome.measured;
        this.say(
          `experiment ${outcome.experiment} on ${runtimes.join(' and ')}: ${ran} invocations${outcome.aborted ? ' (stopped)' : ''}${outcome.idle?.flagged ? `; ${outcome.idle.reason}` : ''}`,
        );
        if (outcome.lost) {
          this.say(outcome.lost, true);
          this.log.error(outcome.lost);
        }
        this.lastOutcome = outcome;
      })
      .catch((error: Error) => {
        this.setExperiment({ phase: 'stopped' });
        const text =
          error instanceof ExperimentPlanError
            ? error.message
            : `experiment failed: ${error.message}`;
        this.say(text, true);
        this.log.error(text);
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

  private async connect(profile: Profile, first: boolean): Promise<void> {
    const generation = ++this.generation;
    const stale = () => generation !== this.generation || this.closing !== null;
    let engine: InvocationEngine;
    try {
      engine = await (this.options.createEngine ?? ((p) => defaultEngine(p, this.options)))(
        profile,
      );
    } catch (error) {
      if (first) this.beginLog(profile, []);
      if (profile.target.kind === 'gateway') {
        this.store.dispatch({
          type: 'target',
          target: {
            kind: 'gateway',
            state: 'down',
            url: profile.target.url,
            host: null,
            detail: (error as Error).message,
          },
        });
      }
      const text = `cannot start the engine for profile ${profile.name}: ${(error as Error).message}`;
      this.say(text, true);
      this.log.error(text);
      if (profile.target.kind === 'gateway') {
        // A gateway that is not up yet: try again, as long as this profile stays chosen.
        this.retryTimer = setTimeout(() => {
          if (!stale()) void this.start();
        }, this.options.probeIntervalMs ?? 5000);
        this.retryTimer.unref();
      }
      return;
    }
    if (first) this.beginLog(profile, localFunctions(engine));
    if (stale()) {
      await engine.close();
      return;
    }
    this.engine = engine;
    this.store.dispatch({ type: 'functions', rows: functionRows(engine) });
    this.targetWatch = new TargetWatch(engine, this.store, {
      intervalMs: this.options.probeIntervalMs ?? 5000,
      current: () => !stale(),
    });
    void this.targetWatch.start();
    await this.startPower(profile, engine);
    if (stale()) return;
    if (engine instanceof RemoteEngine) {
      this.store.dispatch({
        type: 'docker',
        status: { state: 'remote', address: engine.url, detail: null },
      });
      await this.checkDeployed(generation, 'container');
    } else {
      await this.watchDocker(generation);
    }
    await this.checkDeployed(generation, 'wasm');
    await this.checkDeployed(generation, 'wasm-p1');
  }

  /** The header first (what ran, where), then the first segment. */
  private beginLog(profile: Profile, functions: FunctionEntry[]): void {
    this.log.append(sessionHeader(profile.name, functions));
    this.log.startSegment(profile, 'start');
  }

  private async startPower(profile: Profile, engine: InvocationEngine): Promise<void> {
    try {
      const { source, shown } = await openPowerSource(profile, engine, this.options.createPower);
      this.power = source;
      this.unfeedPower = feedPower(source, shown, this.store);
      source.start().catch((error: Error) => {
        this.say(`power source ${source.label}: ${error.message}`, true);
      });
    } catch (error) {
      const text = `no power readings: ${(error as Error).message}`;
      this.say(text, true);
      this.log.error(text);
    }
  }

  /** Follows the Docker engine's state; resolves once the first answer has been acted on. */
  private watchDocker(generation: number): Promise<void> {
    const watch = this.options.watchDocker ?? watchDocker;
    return new Promise((resolve) => {
      this.dockerWatch = watch(
        this.profile.docker.host,
        (status) => void this.dockerStatus(generation, status).finally(resolve),
        { retryMs: this.options.probeIntervalMs },
      );
    });
  }

  private async dockerStatus(generation: number, status: ServiceStatus): Promise<void> {
    if (generation !== this.generation || this.closing) return;
    const wasUp = this.state.docker.state === 'up';
    this.store.dispatch({ type: 'docker', status });
    if (status.state === 'up' && !wasUp) await this.checkDeployed(generation, 'container');
    if (status.state === 'down') markUnknown(this.store, this.state.functions, 'container');
  }

  private checkDeployed(generation: number, runtime: RuntimeName & DeployRuntime): Promise<void> {
    return checkDeployed(this.engine, runtime, this.store, {
      current: () => generation === this.generation && !this.closing,
      say: (text) => this.say(text, true),
    });
  }

  private async disconnect(): Promise<void> {
    this.generation++;
    this.dockerWatch?.stop();
    this.dockerWatch = null;
    clearTimeout(this.retryTimer);
    this.targetWatch?.stop();
    this.targetWatch = null;
    this.unfeedPower?.();
    this.unfeedPower = null;
    const power = this.power;
    const engine = this.engine;
    this.power = null;
    this.engine = null;
    await Promise.allSettled([power?.stop(), engine?.close()]);
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

  private setExperiment(change: Partial<NonNullable<ConsoleState['experiment']>>): void {
    const current = this.state.experiment;
    if (current) this.store.dispatch({ type: 'experiment', experiment: { ...current, ...change } });
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

/** Loaded on first use, after the first frame (it brings the HTTP client of RemoteEngine). */
async function defaultEngine(profile: Profile, options: ConsoleOptions): Promise<InvocationEngine> {
  const { createEngineForProfile } = await import('../target/engine-for-profile.js');
  return createEngineForProfile(profile, { functionsDir: options.functionsDir });
}
