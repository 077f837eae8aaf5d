import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { maxInputBytes as envInputBound, InputBoundError } from '../../core/input-bound.js';
import { Engine } from '../../engine/engine.js';
import { isLoopback } from '../../gateway/auth.js';
import { DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_QUEUE, Gateway } from '../../gateway/server.js';
import { createPowerSource } from '../../power/create.js';
import type { PowerSource } from '../../power/source.js';
import { loadProfile } from '../../profiles/load.js';
import { sessionHeader } from '../../session/header.js';
import { SessionLog } from '../../session/session-log.js';
import {
  checkOrigins,
  collect,
  concurrencyFor,
  MAX_QUEUE,
  maxConcurrencyLimit,
  readToken,
} from '../serve-options.js';
import { stopSignal } from '../signals.js';

interface ServeOptions {
  host: string;
  port: string;
  token?: string;
  tokenFile?: string;
  allowHost: string[];
  allowOrigin: string[];
  maxConcurrency: string;
  maxQueue: string;
  profile?: string;
  log: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the functions, this machine and its power readings over HTTP (routes and tokens: docs/GATEWAY.md)',
    )
    .option('--host <address>', 'address to bind; anything but loopback needs a token', '127.0.0.1')
    .option('--port <number>', 'TCP port (0 picks a free one)', '8080')
    .option(
      '--token-file <path>',
      'require `Authorization: Bearer <token>`, the token read from this file (or set NEBULA_TOKEN)',
    )
    .option(
      '--token <secret>',
      'the token on the command line (visible in `ps`: prefer the two above)',
    )
    .option(
      '--allow-host <names>',
      'Host names to answer to beyond loopback and the bound address (comma-separated, repeatable)',
      collect,
      [],
    )
    .option(
      '--allow-origin <origins>',
      'browser origins allowed to call, e.g. http://localhost:3000 (default: none)',
      collect,
      [],
    )
    .option(
      '--max-concurrency <n>',
      `invocations running at once (at most ${maxConcurrencyLimit()} on this machine)`,
      String(DEFAULT_MAX_CONCURRENCY),
    )
    .option(
      '--max-queue <n>',
      'invocations waiting; more are answered 429',
      String(DEFAULT_MAX_QUEUE),
    )
    .option(
      '--profile <name>',
      'profile name in profiles/ or a path (its Docker address, and its power source for experiments)',
    )
    .option('--no-log', 'write no session log for experiments run through POST /experiments')
    .action(async (options: ServeOptions) => {
      const port = wholeNumber('--port', options.port, 0, 65_535);
      const maxConcurrency = concurrencyFor(options.maxConcurrency);
      const maxQueue = wholeNumber('--max-queue', options.maxQueue, 0, MAX_QUEUE);
      const token = readToken(options);
      const maxInputBytes = inputBound();
      if (!token && !isLoopback(options.host)) {
        throw new UsageError(
          `binding to ${options.host} opens the gateway to the network: give --token-file FILE or set NEBULA_TOKEN, or bind to 127.0.0.1`,
        );
      }
      const profile = loadProfile(options.profile);
      if (profile.target.kind !== 'local') {
        throw new UsageError(
          `profile "${profile.name}" targets the gateway ${profile.target.url}; serve runs functions on this machine, so give a profile whose target is local`,
        );
      }
      // One Wasm worker per invocation the gateway lets run at once, so they run in parallel.
      const engine = new Engine({
        dockerHost: profile.docker.host,
        dockerPlatform: profile.docker.platform,
        wasmWorkers: maxConcurrency,
      });
      let power: PowerSource | null = null;
      try {
        power = createPowerSource(profile.power);
      } catch (error) {
        process.stderr.write(
          `nebula gateway: no power source, experiments run without energy: ${(error as Error).message}\n`,
        );
      }
      const openLog = options.log
        ? () => {
            const log = SessionLog.create(profile.name);
            log.append(sessionHeader(profile.name, engine.catalog.functions));
            return log;
          }
        : undefined;
      const gateway = new Gateway({
        engine,
        maxInputBytes,
        token,
        maxConcurrency,
        maxQueue,
        allowHosts: options.allowHost,
        allowOrigins: checkOrigins(options.allowOrigin),
        power,
        openLog,
        profile: { name: profile.name, label: profile.label, experiment: profile.experiment },
      });
      let address: { url: string };
      try {
        address = await gateway.listen(port, options.host);
      } catch (error) {
        await engine.close();
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') {
          throw new Error(`port ${port} on ${options.host} is in use; choose another with --port`);
        }
        throw new Error(`cannot listen on ${options.host}:${port}: ${(error as Error).message}`);
      }
      const access = token ? 'bearer token required' : 'no token, loopback only';
      process.stdout.write(
        `nebula gateway on ${address.url} (${access}; ${maxConcurrency} running + ${maxQueue} queued; profile ${profile.name})\n`,
      );
      await untilSignal();
      process.stderr.write(
        'nebula gateway: stopping, answering the invocations already accepted\n',
      );
      await gateway.close();
      await engine.close();
      process.stderr.write('nebula gateway: stopped\n');
    });
}

/** NEBULA_MAX_INPUT_BYTES, or a usage error saying what it must be. */
function inputBound(): number {
  try {
    return envInputBound();
  } catch (error) {
    if (error instanceof InputBoundError) throw new UsageError(error.message);
    throw error;
  }
}

/** Resolves on the first stop signal (cli/signals.ts); a second one quits at once. */
function untilSignal(): Promise<void> {
  const stop = stopSignal();
  return new Promise((resolve) => {
    if (stop.aborted) resolve();
    stop.addEventListener('abort', () => resolve(), { once: true });
  });
}

function wholeNumber(name: string, value: string, min: number, max: number): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || parsed < min || parsed > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}
