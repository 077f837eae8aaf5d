import type { Command } from 'commander';
import { Engine, UsageError } from '../../engine/engine.js';
import { isLoopback } from '../../gateway/auth.js';
import { DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_QUEUE, Gateway } from '../../gateway/server.js';
import { loadProfile } from '../../profiles/load.js';

interface ServeOptions {
  host: string;
  port: string;
  token?: string;
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
    .option('--token <secret>', 'require `Authorization: Bearer <secret>` (default: NEBULA_TOKEN)')
    .option('--max-concurrency <n>', 'invocations running at once', String(DEFAULT_MAX_CONCURRENCY))
    .option(
      '--max-queue <n>',
      'invocations waiting; more are answered 429',
      String(DEFAULT_MAX_QUEUE),
    )
    .option('--profile <name>', 'profile name in profiles/ or a path (its Docker address is used)')
    .action(async (options: ServeOptions) => {
      const port = wholeNumber('--port', options.port, 0, 65_535);
      const maxConcurrency = wholeNumber('--max-concurrency', options.maxConcurrency, 1, 10_000);
      const maxQueue = wholeNumber('--max-queue', options.maxQueue, 0, 1_000_000);
      const token = options.token ?? (process.env.NEBULA_TOKEN || undefined);
      if (!token && !isLoopback(options.host)) {
        throw new UsageError(
          `binding to ${options.host} opens the gateway to the network: give --token <secret> or set NEBULA_TOKEN, or bind to 127.0.0.1`,
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
      const gateway = new Gateway({ engine, token, maxConcurrency, maxQueue });
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
      await untilSignal(gateway);
      process.stderr.write(
        'nebula gateway: stopping, answering the invocations already accepted\n',
      );
      await gateway.close();
      await engine.close();
      process.stderr.write('nebula gateway: stopped\n');
    });
}

/** Resolves on the first SIGINT or SIGTERM; a second one drops the connections still open. */
function untilSignal(gateway: Gateway): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const onSignal = (): void => {
      seen++;
      if (seen === 1) {
        resolve();
        return;
      }
      process.stderr.write('nebula gateway: second signal, closing every connection now\n');
      gateway.server.closeAllConnections();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function wholeNumber(name: string, value: string, min: number, max: number): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || parsed < min || parsed > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}
