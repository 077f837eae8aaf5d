/**
 * A warm container: started once, then asked through its watchdog for each invocation. One
 * file because the container's life (start, ask, read the answer, notice it went away, stop)
 * is one state machine over the same socket.
 */
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { FunctionEntry } from '../../catalog/catalog.js';
import { outputLimitFailure } from '../output-budget.js';
import type { RawRun } from '../runtime.js';
import type { RunContext } from './context.js';
import { isConnectionError, wentAway } from './errors.js';
import { FUNCTION_PATH, WATCHDOG_PATH } from './image.js';
import { describeEnding } from './outcome.js';
import {
  encodeRequest,
  OutputOverLimitError,
  ResponseReader,
  type WatchdogResponse,
} from './protocol.js';
import { sandboxConfig } from './sandbox.js';

const READY_TIMEOUT_MS = 10_000;
/** How long past the function's own timeout the host waits before it kills the container. */
const GRACE_MS = 2_000;

type Waiter = { resolve(response: WatchdogResponse): void; reject(error: Error): void };

/**
 * A running container whose watchdog forks the function once per request, spoken to over
 * the container's attached stdin and stdout: no network, no `docker exec`.
 *
 * It cannot outlive Nebula: stdin closes when the attach connection does (StdinOnce), even
 * on a crash, the watchdog then exits, and the engine removes the container (AutoRemove).
 */
export class WarmContainer {
  dead = false;
  private deathReason: string | null = null;
  private readonly reader: ResponseReader;
  private waiter: Waiter | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private watchdogStderr = '';

  private constructor(
    private readonly ctx: RunContext,
    readonly fn: FunctionEntry,
    readonly image: string,
    private readonly container: Docker.Container,
    private readonly socket: Socket,
  ) {
    this.reader = new ResponseReader(fn.manifest.outputLimitBytes);
  }

  /** Creates, attaches and starts the container, and waits until the watchdog is ready. */
  static async start(
    ctx: RunContext,
    fn: FunctionEntry,
    image: string,
    cgroupParent?: string,
  ): Promise<WarmContainer> {
    const sandbox = sandboxConfig(fn.manifest, {
      pids: 1,
      ...(cgroupParent ? { cgroupParent } : {}),
    });
    const container = await ctx.docker.createContainer({
      Image: image,
      platform: ctx.platform,
      Entrypoint: [WATCHDOG_PATH],
      Cmd: [FUNCTION_PATH],
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Labels: ctx.labels(fn, 'warm'),
      ...sandbox,
      HostConfig: { ...sandbox.HostConfig, AutoRemove: true },
    });
    try {
      const socket = (await container.attach({
        stream: true,
        stdin: true,
        stdout: true,
        stderr: true,
        hijack: true,
      })) as unknown as Socket;
      const warm = new WarmContainer(ctx, fn, image, container, socket);
      warm.listen();
      await container.start();
      await warm.ready();
      socket.unref();
      return warm;
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      throw error;
    }
  }

  private listen(): void {
    const out = new PassThrough();
    const err = new PassThrough();
    out.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      this.deliver();
    });
    err.on('data', (chunk: Buffer) => {
      this.watchdogStderr = (this.watchdogStderr + chunk.toString('utf8')).slice(-2000);
    });
    this.ctx.docker.modem.demuxStream(this.socket, out, err);
    const gone = (error?: Error) => this.died(error);
    this.socket.on('error', gone);
    this.socket.on('close', () => gone());
  }

  private readyWaiter: { resolve(): void; reject(error: Error): void } | null = null;

  private ready(): Promise<void> {
    if (this.dead) return Promise.reject(new Error(this.deathReason ?? 'its connection closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `the watchdog of ${this.fn.name} did not answer within ${READY_TIMEOUT_MS} ms`,
            ),
          ),
        READY_TIMEOUT_MS,
      );
      this.readyWaiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.deliver();
    });
  }

  private deliver(): void {
    try {
      if (this.readyWaiter) {
        if (!this.reader.takeReady()) return;
        const waiter = this.readyWaiter;
        this.readyWaiter = null;
        waiter.resolve();
      }
      if (!this.waiter) return;
      const response = this.reader.take();
      if (!response) return;
      const waiter = this.waiter;
      this.waiter = null;
      waiter.resolve(response);
    } catch (error) {
      // The waiter learns the real cause (an output over the limit is the function's fault).
      const waiter = this.waiter;
      this.waiter = null;
      waiter?.reject(error as Error);
      this.died(error as Error);
      void this.dispose();
    }
  }

  private died(error?: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.deathReason = error ? error.message : 'its connection closed';
    const failure = new Error(this.deathReason);
    this.readyWaiter?.reject(failure);
    this.readyWaiter = null;
    this.waiter?.reject(failure);
    this.waiter = null;
  }

  /** One request at a time per container; callers queue. */
  invoke(input: string, signal?: AbortSignal): Promise<RawRun> {
    const run = this.queue.then(() => this.invokeNow(input, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async invokeNow(input: string, signal?: AbortSignal): Promise<RawRun> {
    const { fn } = this;
    const started = performance.now();
    if (this.dead) return this.lostRun();
    if (signal?.aborted) return this.cancelledRun();
    let guard: NodeJS.Timeout | undefined;
    let hostKilled: 'timeout' | 'aborted' | null = null;
    const onAbort = () => {
      hostKilled = 'aborted';
      void this.dispose();
    };
    this.socket.ref();
    try {
      const response = await new Promise<WatchdogResponse>((resolve, reject) => {
        this.waiter = { resolve, reject };
        guard = setTimeout(() => {
          hostKilled = 'timeout';
          void this.dispose();
        }, fn.manifest.timeoutMs + GRACE_MS);
        signal?.addEventListener('abort', onAbort, { once: true });
        this.socket.write(
          encodeRequest(
            Buffer.from(input, 'utf8'),
            fn.manifest.timeoutMs,
            fn.manifest.outputLimitBytes,
          ),
        );
      });
      const phases = { roundtrip: performance.now() - started };
      return {
        stdout: response.stdout.toString('utf8'),
        stderr: response.stderr.toString('utf8'),
        phases,
        ...this.ending(response),
      };
    } catch (error) {
      if (error instanceof OutputOverLimitError) {
        return {
          stdout: '',
          stderr: '',
          exitCode: null,
          ...outputLimitFailure(fn.manifest.outputLimitBytes),
        };
      }
      if (hostKilled === 'aborted') return this.cancelledRun();
      if (hostKilled === 'timeout') {
        return {
          stdout: '',
          stderr: '',
          ...describeEnding(fn, { exitCode: null, timedOut: true, killed: 'the warm container' }),
        };
      }
      return this.lostRun();
    } finally {
      clearTimeout(guard);
      signal?.removeEventListener('abort', onAbort);
      if (!this.dead) this.socket.unref();
    }
  }

  private ending(
    response: WatchdogResponse,
  ): Pick<RawRun, 'exitCode' | 'failure' | 'failureMessage'> {
    const { fn } = this;
    switch (response.kind) {
      case 'exited':
        return describeEnding(fn, { exitCode: response.code, killed: 'the function' });
      case 'signaled':
        return describeEnding(fn, {
          exitCode: 128 + response.code,
          signal: response.code,
          oomKilled: response.oomKills > 0,
          killed: 'the function',
        });
      case 'timeout':
        return describeEnding(fn, {
          exitCode: 128 + response.code,
          timedOut: true,
          killed: 'the function',
        });
      case 'output-limit':
        return { exitCode: null, ...outputLimitFailure(fn.manifest.outputLimitBytes) };
      case 'spawn-failed':
        return {
          exitCode: null,
          failure: 'engine',
          failureMessage: `the warm container of ${fn.name} could not start ${FUNCTION_PATH} (errno ${response.code})`,
        };
    }
  }

  /** The container died under a request: say why, as far as the engine can tell. */
  private cancelledRun(): RawRun {
    const failureMessage = `${this.fn.name} was cancelled`;
    return { stdout: '', stderr: '', exitCode: null, failure: 'aborted', failureMessage };
  }

  private async lostRun(): Promise<RawRun> {
    const { fn } = this;
    const base = { stdout: '', stderr: this.watchdogStderr.trim(), exitCode: null };
    try {
      const state = (await this.container.inspect()).State;
      if (state.OOMKilled) {
        return {
          ...base,
          ...describeEnding(fn, {
            exitCode: state.ExitCode,
            oomKilled: true,
            killed: 'the container',
          }),
        };
      }
      return {
        ...base,
        failure: 'engine',
        failureMessage: `the warm container of ${fn.name} stopped unexpectedly (${this.deathReason}, exit ${state.ExitCode}); the next invocation starts a new one`,
      };
    } catch (error) {
      if (isConnectionError(error)) {
        return {
          ...base,
          failure: 'engine',
          failureMessage: wentAway(
            this.ctx.address,
            new Error(this.deathReason ?? 'connection lost'),
          ),
        };
      }
      return {
        ...base,
        failure: 'engine',
        failureMessage: `the warm container of ${fn.name} stopped unexpectedly (${this.deathReason}); the next invocation starts a new one`,
      };
    }
  }

  /** Kills and removes the container; safe to call more than once. */
  /** The engine's id of the container (its cgroup is named after it). */
  get containerId(): string {
    return this.container.id;
  }

  async dispose(): Promise<void> {
    this.died(new Error('it was stopped'));
    this.socket.destroy();
    try {
      await this.container.remove({ force: true });
    } catch (error) {
      const code = (error as { statusCode?: number }).statusCode;
      // 409: the engine is already removing it (AutoRemove): stopped means gone, so wait.
      if (code === 409) await this.untilRemoved();
      // 404: already gone.
      else if (code !== 404) this.ctx.orphans.add(this.container.id);
    }
  }

  private async untilRemoved(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('still there after 10 s')), 10_000);
    });
    try {
      await Promise.race([this.container.wait({ condition: 'removed' }), giveUp]);
    } catch (error) {
      // 404: gone before the wait began. Anything else: removed later, by the orphan sweep.
      if ((error as { statusCode?: number }).statusCode !== 404) {
        this.ctx.orphans.add(this.container.id);
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
