/**
 * The container runtime: builds an image per function, runs it cold or keeps it warm through
 * dockerode, and measures it. One file because it is the one class the engine sees; the parts
 * that stand alone (cold.ts, warm.ts, image.ts, cgroup-peak.ts) live beside it.
 */
import Docker from 'dockerode';
import type { FunctionEntry } from '../../catalog/catalog.js';
import type { InvocationResult, InvokeRequest, MemoryPeak, Mode } from '../../core/invocation.js';
import { engineNativePlatform, type Platform, parsePlatform } from '../../core/platform.js';
import { nowNs, type RawRun, type Runtime, toResult } from '../runtime.js';
import {
  type ContainerVariant,
  DEFAULT_CONTAINER_VARIANT,
  VariantError,
  variantName,
} from '../variants.js';
import { type EngineAddress, resolveAddress } from './address.js';
import { CgroupPeak } from './cgroup-peak.js';
import { dockerCliVersion, runCli } from './cli-run.js';
import { runCold } from './cold.js';
import type { RunContext } from './context.js';
import { ensureDebianBase } from './debian-base.js';
import { EngineUnreachableError, isConnectionError, unreachable } from './errors.js';
import { closeOnSignals, forgetOnSignals } from './exit-hooks.js';
import {
  type BuildOutcome,
  buildImage,
  imageExists,
  imageTag,
  NotBuiltError,
  SourceHasher,
} from './image.js';
import {
  LABEL_FUNCTION,
  LABEL_MODE,
  LABEL_OWNER,
  LABEL_ROOT,
  LABEL_SESSION,
  newSessionId,
  ownerIsDead,
  ownerLabel,
} from './labels.js';
import { WarmContainer } from './warm.js';

export interface ContainerRuntimeOptions {
  /** unix:///path, tcp://host:port or ssh://user@host; else DOCKER_HOST, else the default socket. */
  dockerHost?: string;
  /** Added to every container (tests mark theirs to check that none is left). */
  labels?: Record<string, string>;
  /** Build and run images for this platform ("linux/arm64"); else the engine's own. */
  platform?: string;
  /** Network, client and base image other than Nebula's defaults (cold only). */
  variant?: ContainerVariant;
}

/** Native static binaries in FROM scratch containers, through the Docker Engine API. */
export class ContainerRuntime implements Runtime {
  readonly name = 'container' as const;
  readonly sessionId = newSessionId();
  /** The variant's canonical name, '' for Nebula's defaults. */
  readonly variant: string;
  private readonly hasher: SourceHasher;
  private memory: CgroupPeak | null = null;
  /** The parent cgroup each function's warm container was started in. */
  private readonly warmParents = new Map<string, string>();
  private readonly warm = new Map<string, Promise<WarmContainer>>();
  private readonly owner = ownerLabel();
  private readonly ctx: RunContext;

  private constructor(
    readonly docker: Docker,
    readonly address: EngineAddress,
    /** The platform images are built and run for. */
    readonly platform: Platform,
    /** The engine's own platform; null when it is not one Nebula supports. */
    readonly enginePlatform: Platform | null,
    private readonly extraLabels: Record<string, string>,
    private readonly conditions: ContainerVariant,
  ) {
    this.variant = variantName('container', conditions);
    this.hasher = new SourceHasher(platform, conditions.base);
    this.ctx = {
      docker,
      address,
      platform,
      orphans: new Set(),
      running: new Set(),
      labels: (fn, mode) => this.labels(fn, mode),
    };
  }

  /** Connects (or says clearly why it cannot), sweeps what crashed sessions left, hooks exit. */
  static async create(options: ContainerRuntimeOptions = {}): Promise<ContainerRuntime> {
    const address = resolveAddress(options.dockerHost);
    const docker = new Docker(address.options);
    try {
      await docker.ping();
    } catch (error) {
      throw unreachable(address, error);
    }
    const conditions = options.variant ?? DEFAULT_CONTAINER_VARIANT;
    if (conditions.client === 'cli') {
      if (conditions.net === 'disabled') {
        throw new VariantError(
          'client=cli cannot disable networking as the Engine API does (docker run has no flag for it); use net=none or net=bridge with it',
        );
      }
      dockerCliVersion();
    }
    if (conditions.net === 'bridge') await requireBridge(docker, address);
    const { platform, enginePlatform } = await choosePlatform(docker, address, options.platform);
    if (conditions.base === 'debian' && platform !== enginePlatform) {
      throw new VariantError(
        `base=debian builds its base image for this machine only (debootstrap), not for ${platform}`,
      );
    }
    const runtime = new ContainerRuntime(
      docker,
      address,
      platform,
      enginePlatform,
      options.labels ?? {},
      conditions,
    );
    runtime.memory = await CgroupPeak.detect(docker, address, runtime.sessionId);
    await runtime.sweep();
    closeOnSignals(runtime);
    return runtime;
  }

  /** Images of another platform than the engine's run under emulation (qemu through binfmt_misc). */
  get emulation(): string | null {
    if (this.platform === this.enginePlatform) return null;
    return `${this.platform} images under qemu on a ${this.enginePlatform ?? 'different'} Docker engine`;
  }

  private labels(fn: FunctionEntry, mode: Mode): Record<string, string> {
    return {
      ...this.extraLabels,
      [LABEL_ROOT]: '1',
      [LABEL_SESSION]: this.sessionId,
      [LABEL_OWNER]: this.owner,
      [LABEL_FUNCTION]: fn.name,
      [LABEL_MODE]: mode,
    };
  }

  /** Removes Nebula containers whose owning process on this machine is gone. */
  async sweep(): Promise<string[]> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [LABEL_ROOT] },
    });
    const dead = containers.filter((info) => ownerIsDead(info.Labels?.[LABEL_OWNER]));
    await Promise.allSettled(
      dead.map((info) => this.docker.getContainer(info.Id).remove({ force: true })),
    );
    return dead.map((info) => info.Id);
  }

  async invoke(fn: FunctionEntry, request: InvokeRequest): Promise<InvocationResult> {
    const cgroupParent = request.mode === 'cold' ? this.memory?.parentFor() : undefined;
    let warmPeak: (() => MemoryPeak) | undefined;
    const acceptNs = nowNs();
    const run = await this.run(fn, request, cgroupParent, (peak) => {
      warmPeak = peak;
    });
    const doneNs = nowNs();
    if (this.ctx.orphans.size > 0 && run.failure !== 'engine') void this.removeOrphans();
    const result = toResult(fn, this.name, request, acceptNs, doneNs, run);
    // Read once the container is gone, outside the timed span.
    if (request.mode === 'cold' && this.memory) result.memory = this.memory.read(cgroupParent);
    else if (request.mode === 'warm' && warmPeak) result.memory = warmPeak();
    if (this.variant) result.variant = this.variant;
    return result;
  }

  private async run(
    fn: FunctionEntry,
    request: InvokeRequest,
    cgroupParent: string | undefined,
    onWarm?: (peak: () => MemoryPeak) => void,
  ): Promise<RawRun> {
    let image: string;
    try {
      image = imageTag(fn, this.hasher.hash(fn), this.conditions.base);
    } catch (error) {
      if (!(error instanceof NotBuiltError)) throw error;
      return {
        stdout: '',
        stderr: '',
        exitCode: null,
        failure: 'not-deployed',
        failureMessage: error.message,
      };
    }
    const { net, client } = this.conditions;
    if (request.mode === 'cold') {
      const options = { net, ...(cgroupParent ? { cgroupParent } : {}) };
      return client === 'cli'
        ? runCli(this.ctx, fn, image, request.input, {
            ...options,
            mode: 'cold',
            signal: request.signal,
          })
        : runCold(this.ctx, fn, image, request.input, request.signal, options);
    }
    const started = performance.now();
    let warm: WarmContainer;
    let fresh = false;
    try {
      ({ warm, fresh } = await this.warmContainer(fn, image));
    } catch (error) {
      return this.warmStartFailure(fn, image, error);
    }
    const parent = this.warmParents.get(fn.name);
    // null: reset, the peak can be read after the request.
    const unreadable = this.memory
      ? this.memory.resetWarm(parent, warm.containerId)
      : 'not measured';
    onWarm?.(() =>
      unreadable === null && parent
        ? (this.memory as CgroupPeak).readWarm(parent, warm.containerId)
        : { peakBytes: null, source: 'none', note: unreadable ?? 'not measured' },
    );
    const run = await warm.invoke(request.input, request.signal);
    // The first call of a warm series pays for the container; the phase says so.
    if (fresh)
      run.phases = {
        ...run.phases,
        containerStart: performance.now() - started - (run.phases?.roundtrip ?? 0),
      };
    if (warm.dead) this.warm.delete(fn.name);
    return run;
  }

  private async warmContainer(
    fn: FunctionEntry,
    image: string,
  ): Promise<{ warm: WarmContainer; fresh: boolean }> {
    const existing = this.warm.get(fn.name);
    if (existing) {
      const warm = await existing.catch(() => null);
      if (warm && !warm.dead && warm.image === image) return { warm, fresh: false };
      if (this.warm.get(fn.name) === existing) this.warm.delete(fn.name);
      if (warm && !warm.dead) void warm.dispose();
    }
    let starting = this.warm.get(fn.name);
    if (!starting) {
      const parent = this.memory?.parentFor();
      if (parent) this.warmParents.set(fn.name, parent);
      else this.warmParents.delete(fn.name);
      starting = WarmContainer.start(this.ctx, fn, image, parent);
      this.warm.set(fn.name, starting);
      starting.catch(() => {
        if (this.warm.get(fn.name) === starting) this.warm.delete(fn.name);
      });
    }
    return { warm: await starting, fresh: true };
  }

  private warmStartFailure(fn: FunctionEntry, image: string, error: unknown): RawRun {
    const base = { stdout: '', stderr: '', exitCode: null };
    if ((error as { statusCode?: number }).statusCode === 404) {
      return {
        ...base,
        failure: 'not-deployed',
        failureMessage: `no image ${image} for ${fn.name}; run \`nebula deploy ${fn.name} --runtime container\``,
      };
    }
    const message = isConnectionError(error)
      ? unreachable(this.address, error).message
      : `could not start a warm container for ${fn.name}: ${(error as Error).message}`;
    return { ...base, failure: 'engine', failureMessage: message };
  }

  async isDeployed(fn: FunctionEntry): Promise<boolean> {
    let tag: string;
    try {
      tag = imageTag(fn, this.hasher.hash(fn), this.conditions.base);
    } catch (error) {
      if (error instanceof NotBuiltError) return false;
      throw error;
    }
    return this.engineCall(() => imageExists(this.docker, tag));
  }

  async deploy(fn: FunctionEntry): Promise<void> {
    await this.build(fn);
  }

  /** deploy() with what happened, for the deploy command's report. */
  build(fn: FunctionEntry, log?: (line: string) => void): Promise<BuildOutcome> {
    return this.engineCall(async () => {
      if (this.conditions.base === 'debian') await ensureDebianBase(this.docker, log);
      return buildImage(this.docker, fn, this.hasher);
    });
  }

  private async engineCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (isConnectionError(error) && !(error instanceof EngineUnreachableError))
        throw unreachable(this.address, error);
      throw error;
    }
  }

  private async removeOrphans(): Promise<void> {
    for (const id of [...this.ctx.orphans]) {
      try {
        await this.docker.getContainer(id).remove({ force: true });
        this.ctx.orphans.delete(id);
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) this.ctx.orphans.delete(id);
        else return;
      }
    }
  }

  /** Stops the warm containers and removes what the engine could not remove before. */
  async close(): Promise<void> {
    forgetOnSignals(this);
    const warm = [...this.warm.values()];
    this.warm.clear();
    await Promise.allSettled([
      ...warm.map(async (starting) => (await starting).dispose()),
      ...[...this.ctx.running].map((id) => this.docker.getContainer(id).remove({ force: true })),
    ]);
    await this.removeOrphans().catch(() => undefined);
    this.memory?.close();
  }
}

/** The bridge variant needs an engine with a bridge; the project's script starts one. */
async function requireBridge(docker: Docker, address: EngineAddress): Promise<void> {
  try {
    await docker.getNetwork('bridge').inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw unreachable(address, error);
    throw new VariantError(
      `the engine at ${address.url} has no bridge network, so net=bridge cannot run; a private engine gets one with \`bash scripts/dockerd.sh stop && bash scripts/dockerd.sh start --bridge\``,
    );
  }
}

/**
 * The profile's platform when set, else the engine's own: asked of the engine, not of this
 * process, since a console may drive an engine on another machine.
 */
async function choosePlatform(
  docker: Docker,
  address: EngineAddress,
  wanted: string | undefined,
): Promise<{ platform: Platform; enginePlatform: Platform | null }> {
  let version: Docker.DockerVersion;
  try {
    version = await docker.version();
  } catch (error) {
    throw unreachable(address, error);
  }
  if (wanted === undefined) {
    const platform = engineNativePlatform(version.Os, version.Arch);
    return { platform, enginePlatform: platform };
  }
  let enginePlatform: Platform | null = null;
  try {
    enginePlatform = engineNativePlatform(version.Os, version.Arch);
  } catch {
    // A 32-bit engine asked for linux/arm64: the profile decides, the build will tell.
  }
  return { platform: parsePlatform(wanted), enginePlatform };
}
