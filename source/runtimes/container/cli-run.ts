/**
 * The `client=cli` variant: one cold invocation through `docker run --rm -i`, as the thesis
 * started its containers, with the same sandbox flags the Engine API path sends. Whatever
 * `docker` is on PATH is used (Debian's docker.io CLI or a newer one), against the same
 * engine (DOCKER_HOST set from Nebula's address).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { FunctionEntry } from '../../catalog/catalog.js';
import type { Mode } from '../../core/invocation.js';
import type { RawRun } from '../runtime.js';
import { type ContainerVariant, VariantError } from '../variants.js';
import type { RunContext } from './context.js';
import { SANDBOX_USER } from './image.js';
import { describeEnding } from './outcome.js';

/** `docker run` exits 125 when the daemon refused, 126/127 when the command could not run. */
const DOCKER_RUN_ERRORS = new Set([125, 126, 127]);

/** A condition of the variant this machine cannot meet: the request's to change. */
export class NoDockerCliError extends VariantError {
  override name = 'NoDockerCliError';
}

/** The CLI's version line, or a clear error when there is no `docker` on PATH. */
export function dockerCliVersion(): string {
  const probe = spawnSync('docker', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new NoDockerCliError(
      "the client=cli variant runs `docker run`, but there is no `docker` command on PATH; install Debian's docker.io (it has the CLI) or use client=api",
    );
  }
  return probe.stdout.trim();
}

export function cliArgs(
  fn: FunctionEntry,
  image: string,
  name: string,
  labels: Record<string, string>,
  net: ContainerVariant['net'],
  cgroupParent?: string,
): string[] {
  const m = fn.manifest;
  const args = [
    'run',
    '--rm',
    '-i',
    '--name',
    name,
    '--network',
    net === 'bridge' ? 'bridge' : 'none',
  ];
  args.push('--user', SANDBOX_USER, '--read-only', '--cap-drop', 'ALL');
  args.push('--security-opt', 'no-new-privileges');
  args.push('--memory', `${m.memoryMb}m`, '--memory-swap', `${m.memoryMb}m`);
  args.push('--cpus', String(m.cpus), '--pids-limit', String(m.pids), '--log-driver', 'none');
  if (cgroupParent) args.push('--cgroup-parent', cgroupParent);
  for (const [key, value] of Object.entries(labels)) args.push('--label', `${key}=${value}`);
  args.push(image);
  return args;
}

let counter = 0;

export function runCli(
  ctx: RunContext,
  fn: FunctionEntry,
  image: string,
  input: string,
  options: {
    net: ContainerVariant['net'];
    mode: Mode;
    cgroupParent?: string;
    signal?: AbortSignal;
  },
): Promise<RawRun> {
  const name = `nebula-cli-${process.pid}-${Date.now().toString(36)}-${++counter}`;
  const args = cliArgs(
    fn,
    image,
    name,
    ctx.labels(fn, options.mode),
    options.net,
    options.cgroupParent,
  );
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('docker', args, {
      env: { ...process.env, DOCKER_HOST: ctx.address.url },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    let aborted = false;
    // Killing the CLI would leave the container running: kill the container by its name.
    const kill = () =>
      void ctx.docker
        .getContainer(name)
        .kill({ signal: 'SIGKILL' })
        .catch(() => undefined);
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, fn.manifest.timeoutMs);
    const onAbort = () => {
      aborted = true;
      kill();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    ctx.running.add(name);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    const finish = (run: RawRun) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      ctx.running.delete(name);
      resolve(run);
    };
    child.on('error', (error) =>
      finish({
        stdout: '',
        stderr: '',
        exitCode: null,
        failure: 'engine',
        failureMessage: `could not run docker: ${error.message}`,
      }),
    );
    child.on('close', (code, signal) => {
      const err = Buffer.concat(stderr).toString('utf8');
      const phases = { cli: performance.now() - started };
      if (code !== null && DOCKER_RUN_ERRORS.has(code) && !timedOut && !aborted) {
        finish({
          stdout: '',
          stderr: err,
          exitCode: code,
          failure: 'engine',
          failureMessage: `docker run failed (exit ${code}): ${err.trim().split('\n').slice(-2).join(' | ')}`,
          phases,
        });
        return;
      }
      const run: RawRun = {
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: err,
        phases,
        ...describeEnding(fn, {
          exitCode: code ?? (signal ? 128 : null),
          timedOut,
          oomKilled: false,
          killed: 'the container',
        }),
      };
      finish(
        aborted ? { ...run, failure: 'aborted', failureMessage: `${fn.name} was cancelled` } : run,
      );
    });
  });
}
