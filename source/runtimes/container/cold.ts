import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { FunctionEntry } from '../../catalog/catalog.js';
import { awaitLater } from '../../core/await-later.js';
import { OutputBudget, outputLimitFailure } from '../output-budget.js';
import type { RawRun } from '../runtime.js';
import type { ContainerVariant } from '../variants.js';
import type { RunContext } from './context.js';
import { isConnectionError, statusCode, unreachable, wentAway } from './errors.js';
import { describeEnding } from './outcome.js';
import { sandboxConfig } from './sandbox.js';
import { waitForExit } from './wait.js';

const since = (start: number): number => performance.now() - start;

/**
 * One cold invocation: create, attach, start, stdin in, wait, remove. Phase times in ms.
 * Every failure becomes a RawRun; nothing is thrown for a function or engine failure.
 */
export async function runCold(
  ctx: RunContext,
  fn: FunctionEntry,
  image: string,
  input: string,
  signal?: AbortSignal,
  conditions: { net?: ContainerVariant['net']; cgroupParent?: string } = {},
): Promise<RawRun> {
  const phases: Record<string, number> = {};
  let container: Docker.Container | undefined;
  let t = performance.now();
  try {
    container = await ctx.docker.createContainer({
      Image: image,
      platform: ctx.platform,
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Labels: ctx.labels(fn, 'cold'),
      ...sandboxConfig(fn.manifest, conditions),
    });
    phases.create = since(t);
    ctx.running.add(container.id);
  } catch (error) {
    if (statusCode(error) === 404) {
      return notDeployed(fn, image);
    }
    // A connection dropped under the request is an engine going away, not one never there.
    const dropped = /socket hang up|ECONNRESET|EPIPE/.test((error as Error)?.message ?? '');
    const message = !isConnectionError(error)
      ? `the Docker engine at ${ctx.address.url} refused to create the container: ${(error as Error).message}`
      : dropped
        ? wentAway(ctx.address, error)
        : unreachable(ctx.address, error).message;
    return {
      stdout: '',
      stderr: '',
      exitCode: null,
      failure: 'engine',
      failureMessage: message,
      phases,
    };
  }
  try {
    return await runCreated(ctx, fn, container, input, phases, signal);
  } finally {
    t = performance.now();
    try {
      await container.remove({ force: true });
      phases.remove = since(t);
    } catch (error) {
      if (statusCode(error) !== 404) ctx.orphans.add(container.id);
    }
    ctx.running.delete(container.id);
  }
}

async function runCreated(
  ctx: RunContext,
  fn: FunctionEntry,
  container: Docker.Container,
  input: string,
  phases: Record<string, number>,
  signal?: AbortSignal,
): Promise<RawRun> {
  let t = performance.now();
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const budget = new OutputBudget(fn.manifest.outputLimitBytes);
  let timedOut = false;
  let aborted = false;
  let timer: NodeJS.Timeout | undefined;
  const kill = () => container.kill({ signal: 'SIGKILL' }).catch(() => undefined);
  const onAbort = () => {
    aborted = true;
    void kill();
  };
  try {
    const stream = (await container.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
    })) as NodeJS.ReadWriteStream & { destroy(): void };
    const out = new PassThrough();
    const err = new PassThrough();
    // Past the output limit nothing more is kept and the container is killed.
    const keep = (list: Buffer[]) => (chunk: Buffer) => {
      const wasOver = budget.over;
      list.push(budget.take(chunk));
      if (budget.over && !wasOver) void kill();
    };
    out.on('data', keep(stdout));
    err.on('data', keep(stderr));
    ctx.docker.modem.demuxStream(stream, out, err);
    // Both are awaited only after start: an engine that dies before then must not leave
    // their rejections unhandled (awaitLater), it fails this run in the catch below.
    const drained = awaitLater(
      new Promise<void>((resolve, reject) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      }),
    );
    // Registered before start so that a function that ends at once cannot be missed.
    const { exited } = await waitForExit(ctx.docker, container.id);
    phases.attach = since(t);
    t = performance.now();
    await container.start();
    phases.start = since(t);
    t = performance.now();
    timer = setTimeout(() => {
      timedOut = true;
      void kill();
    }, fn.manifest.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    stream.end(input);
    const [status] = await Promise.all([exited, drained]);
    phases.wait = since(t);
    clearTimeout(timer);
    const exitCode = status.StatusCode;
    let oomKilled = false;
    if (exitCode === 137 && !timedOut && !aborted && !budget.over) {
      oomKilled = Boolean((await container.inspect()).State.OOMKilled);
    }
    const run: RawRun = {
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
      phases,
      ...describeEnding(fn, { exitCode, timedOut, oomKilled, killed: 'the container' }),
    };
    if (aborted) return { ...run, failure: 'aborted', failureMessage: `${fn.name} was cancelled` };
    if (budget.over) return { ...run, exitCode: null, ...outputLimitFailure(budget.limit) };
    return run;
  } catch (error) {
    return engineFailure(ctx, error, phases, Buffer.concat(stderr).toString('utf8'));
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function notDeployed(fn: FunctionEntry, image: string): RawRun {
  return {
    stdout: '',
    stderr: '',
    exitCode: null,
    failure: 'not-deployed',
    failureMessage: `no image ${image} for ${fn.name}; run \`nebula deploy ${fn.name} --runtime container\``,
  };
}

function engineFailure(
  ctx: RunContext,
  error: unknown,
  phases: Record<string, number>,
  stderr = '',
): RawRun {
  const message = isConnectionError(error)
    ? wentAway(ctx.address, error)
    : `the Docker engine at ${ctx.address.url} refused: ${(error as Error).message}`;
  return { stdout: '', stderr, exitCode: null, failure: 'engine', failureMessage: message, phases };
}
