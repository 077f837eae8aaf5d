import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { Engine, UsageError } from '../../engine/engine.js';
import { isLoopback } from '../../gateway/auth.js';
import { normalOrigin } from '../../gateway/doors.js';
import { DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_QUEUE, Gateway } from '../../gateway/server.js';
import { loadProfile } from '../../profiles/load.js';
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
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the functions over HTTP (see GET /health, GET /functions, POST /functions/{name}/invoke)',
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
    .option('--profile <name>', 'profile name in profiles/ or a path (its Docker address is used)')
    .action(async (options: ServeOptions) => {
      const port = wholeNumber('--port', options.port, 0, 65_535);
      const maxConcurrency = concurrencyFor(options.maxConcurrency);
      const maxQueue = wholeNumber('--max-queue', options.maxQueue, 0, MAX_QUEUE);
      const token = readToken(options);
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
      const engine = new Engine({ dockerHost: profile.docker.host, wasmWorkers: maxConcurrency });
      const gateway = new Gateway({
        engine,
        token,
        maxConcurrency,
        maxQueue,
        allowHosts: options.allowHost,
        allowOrigins: checkOrigins(options.allowOrigin),
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

/** Waiting requests cost a socket and a little memory each: this is plenty for a Pi. */
const MAX_QUEUE = 10_000;

/** Wasm invocations run on one worker thread each: more than a few per core only thrashes. */
export function maxConcurrencyLimit(cores = availableParallelism()): number {
  return Math.max(4, 4 * cores);
}

function concurrencyFor(text: string): number {
  const limit = maxConcurrencyLimit();
  const wanted = Number(text);
  if (!/^\d+$/.test(text.trim()) || wanted < 1) {
    throw new UsageError(`--max-concurrency must be a whole number >= 1, got "${text}"`);
  }
  if (wanted > limit) {
    throw new UsageError(
      `--max-concurrency ${wanted} is more than this machine can run at once: at most ${limit} (4 per core, ${availableParallelism()} cores); excess requests wait in --max-queue`,
    );
  }
  return wanted;
}

function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ];
}

function checkOrigins(origins: string[]): string[] {
  for (const origin of origins) {
    if (!normalOrigin(origin)) {
      throw new UsageError(
        `--allow-origin "${origin}" is not an origin; write it as scheme://host[:port], e.g. http://localhost:3000`,
      );
    }
  }
  return origins;
}

/** --token-file, else NEBULA_TOKEN, else --token (with a warning: argv is public). */
export function readToken(
  options: { token?: string; tokenFile?: string },
  env = process.env,
  warn = (line: string) => process.stderr.write(line),
): string | undefined {
  if (options.token !== undefined && options.tokenFile !== undefined) {
    throw new UsageError('give --token-file or --token, not both');
  }
  if (options.tokenFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.tokenFile, 'utf8');
    } catch (error) {
      throw new UsageError(
        `cannot read --token-file ${options.tokenFile}: ${(error as Error).message}`,
      );
    }
    const token = text.trim();
    if (!token || /\s/.test(token)) {
      throw new UsageError(
        `--token-file ${options.tokenFile} must hold one token on one line (got ${token ? 'spaces in it' : 'nothing'})`,
      );
    }
    if ((statSync(options.tokenFile).mode & 0o077) !== 0) {
      warn(
        `nebula gateway: warning: ${options.tokenFile} can be read by other users; chmod 600 it\n`,
      );
    }
    return token;
  }
  if (options.token !== undefined) {
    if (!options.token.trim()) throw new UsageError('--token is empty');
    warn(
      'nebula gateway: warning: --token is visible to every user in `ps`; prefer --token-file or NEBULA_TOKEN\n',
    );
    return options.token;
  }
  return env.NEBULA_TOKEN || undefined;
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
