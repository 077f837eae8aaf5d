/**
 * The console's connection to where a profile's functions run: the engine, its power source
 * feeding the store, the machine and Docker watches, the deploy-state checks. The controller
 * opens one per profile (again while a gateway is not up yet) and closes it on a profile
 * switch and at quit; answers that arrive after that are dropped.
 */
import type { RuntimeName } from '../core/invocation.js';
import type { PowerSource } from '../power/source.js';
import type { Profile } from '../profiles/schema.js';
import { sessionHeader } from '../session/header.js';
import type { HeaderRecord } from '../session/records.js';
import type { TargetEngine } from '../target/target-engine.js';
import type { ConsoleLog } from './console-log.js';
import { checkDeployed, markUnknown } from './deploy-state.js';
import { type DockerWatch, watchDocker } from './docker-watch.js';
import { functionRows } from './functions.js';
import { feedPower, openPowerSource } from './power-feed.js';
import { type DeployRuntime, type ServiceStatus, WASM_RUNTIMES } from './state.js';
import type { ConsoleStore } from './store.js';
import { TargetWatch } from './target-watch.js';

export interface ConnectionOptions {
  functionsDir?: string;
  createEngine?: (profile: Profile) => Promise<TargetEngine>;
  createPower?: (profile: Profile) => PowerSource;
  /** How often a machine that is down is asked again (5 s). */
  probeIntervalMs?: number;
  /** How the Docker engine's state is followed (tests inject their own). */
  watchDocker?: typeof watchDocker;
}

export interface ConnectionHooks {
  store: ConsoleStore;
  log: ConsoleLog;
  options: ConnectionOptions;
  say: (text: string, error?: boolean) => void;
  /** The console is quitting: nothing more is started. */
  closing: () => boolean;
  /** Connect again (a gateway that is not up yet), while this profile stays chosen. */
  retry: () => void;
}

export class ConsoleConnection {
  engine: TargetEngine | null = null;
  power: PowerSource | null = null;
  private unfeedPower: (() => void) | null = null;
  private dockerWatch: DockerWatch | null = null;
  private targetWatch: TargetWatch | null = null;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly profile: Profile,
    private readonly hooks: ConnectionHooks,
  ) {}

  private get stale(): boolean {
    return this.closed || this.hooks.closing();
  }

  /** Connects everything; the first connection of the console also begins its log. */
  async open(first: boolean): Promise<void> {
    const { profile, hooks } = this;
    let engine: TargetEngine;
    try {
      engine = await (hooks.options.createEngine ?? ((p) => defaultEngine(p, hooks.options)))(
        profile,
      );
    } catch (error) {
      this.failed(error as Error, first);
      return;
    }
    if (first) this.beginLog(engine.header(profile.name));
    if (this.stale) {
      await engine.close();
      return;
    }
    this.engine = engine;
    hooks.store.dispatch({ type: 'functions', rows: functionRows(engine) });
    this.targetWatch = new TargetWatch(engine, hooks.store, {
      intervalMs: hooks.options.probeIntervalMs ?? 5000,
      current: () => !this.stale,
    });
    void this.targetWatch.start();
    this.startPower(engine);
    if (this.stale) return;
    const { gateway } = engine.where;
    if (gateway) {
      // The gateway's Docker engine is its own: asked through the gateway, not watched here.
      hooks.store.dispatch({
        type: 'docker',
        status: { state: 'remote', address: gateway, detail: null },
      });
      await this.checkDeployed('container');
    } else {
      await this.watchDocker();
    }
    for (const runtime of WASM_RUNTIMES) await this.checkDeployed(runtime);
  }

  /** Stops the watches and the power source and closes the engine (warm containers too). */
  async close(): Promise<void> {
    this.closed = true;
    this.dockerWatch?.stop();
    this.dockerWatch = null;
    clearTimeout(this.retryTimer);
    this.targetWatch?.stop();
    this.targetWatch = null;
    this.unfeedPower?.();
    this.unfeedPower = null;
    const { power, engine } = this;
    this.power = null;
    this.engine = null;
    await Promise.allSettled([power?.stop(), engine?.close()]);
  }

  /** No engine: say why; a gateway's profile tries again shortly. */
  private failed(error: Error, first: boolean): void {
    const { profile, hooks } = this;
    if (first) this.beginLog(sessionHeader(profile.name, []));
    const text = `cannot start the engine for profile ${profile.name}: ${error.message}`;
    if (profile.target.kind === 'gateway') {
      hooks.store.dispatch({
        type: 'target',
        target: {
          kind: 'gateway',
          state: 'down',
          url: profile.target.url,
          host: null,
          detail: error.message,
        },
      });
    }
    hooks.say(text, true);
    hooks.log.error(text);
    if (profile.target.kind === 'gateway') {
      this.retryTimer = setTimeout(() => {
        if (!this.stale) hooks.retry();
      }, hooks.options.probeIntervalMs ?? 5000);
      this.retryTimer.unref();
    }
  }

  /** The header first (what ran, where), then the first segment. */
  private beginLog(header: HeaderRecord): void {
    this.hooks.log.append(header);
    this.hooks.log.startSegment(this.profile, 'start');
  }

  private startPower(engine: TargetEngine): void {
    const { hooks } = this;
    try {
      const { source, shown } = openPowerSource(this.profile, engine, hooks.options.createPower);
      this.power = source;
      this.unfeedPower = feedPower(source, shown, hooks.store);
      source.start().catch((error: Error) => {
        hooks.say(`power source ${source.label}: ${error.message}`, true);
      });
    } catch (error) {
      const text = `no power readings: ${(error as Error).message}`;
      hooks.say(text, true);
      hooks.log.error(text);
    }
  }

  /** Follows the Docker engine's state; resolves once the first answer has been acted on. */
  private watchDocker(): Promise<void> {
    const watch = this.hooks.options.watchDocker ?? watchDocker;
    return new Promise((resolve) => {
      this.dockerWatch = watch(
        this.profile.docker.host,
        (status) => void this.dockerStatus(status).finally(resolve),
        { retryMs: this.hooks.options.probeIntervalMs },
      );
    });
  }

  private async dockerStatus(status: ServiceStatus): Promise<void> {
    if (this.stale) return;
    const { store } = this.hooks;
    const wasUp = store.current.docker.state === 'up';
    store.dispatch({ type: 'docker', status });
    if (status.state === 'up' && !wasUp) await this.checkDeployed('container');
    if (status.state === 'down') markUnknown(store, store.current.functions, 'container');
  }

  private checkDeployed(runtime: RuntimeName & DeployRuntime): Promise<void> {
    return checkDeployed(this.engine, runtime, this.hooks.store, {
      current: () => !this.stale,
      say: (text) => this.hooks.say(text, true),
    });
  }
}

/** Loaded on first use, after the first frame (it brings the HTTP client of RemoteEngine). */
async function defaultEngine(profile: Profile, options: ConnectionOptions): Promise<TargetEngine> {
  const { createEngineForProfile } = await import('../target/engine-for-profile.js');
  return createEngineForProfile(profile, { functionsDir: options.functionsDir });
}
