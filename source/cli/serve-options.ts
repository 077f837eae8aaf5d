/** `nebula serve`'s options that need more than a parse: the token, origins, limits. */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { FileRefusedError, readRegularFile } from '../catalog/regular-file.js';
import { UsageError } from '../core/errors.js';
import { normalOrigin } from '../gateway/doors.js';

/** Waiting requests cost a socket and a little memory each: this is plenty for a Pi. */
export const MAX_QUEUE = 10_000;

/** Wasm invocations run on one worker thread each: more than a few per core only thrashes. */
export function maxConcurrencyLimit(cores = availableParallelism()): number {
  return Math.max(4, 4 * cores);
}

export function concurrencyFor(text: string): number {
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

export function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ];
}

export function checkOrigins(origins: string[]): string[] {
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
      text = readRegularFile(options.tokenFile, 64 * 1024, '--token-file').toString('utf8');
    } catch (error) {
      if (error instanceof FileRefusedError) throw new UsageError(error.message);
      throw error;
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
