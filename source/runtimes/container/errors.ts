import { type EngineAddress, reachHint } from './address.js';

/** The engine could not be reached, or went away: the message names the address and the fix. */
export class EngineUnreachableError extends Error {
  override name = 'EngineUnreachableError';
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_SOCKET_CLOSED',
]);

/** True for errors of the connection to the engine, as opposed to answers from it. */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: string; statusCode?: number; message?: string; level?: string };
  if (e?.statusCode) return false;
  if (e?.code && CONNECTION_CODES.has(e.code)) return true;
  // ssh2 reports its failures with a level, and a dropped socket as "socket hang up".
  if (e?.level === 'client-socket' || e?.level === 'client-authentication') return true;
  return /socket hang up|ECONNRESET|connect ECONNREFUSED|aborted/i.test(e?.message ?? '');
}

export function unreachable(address: EngineAddress, error: unknown): EngineUnreachableError {
  const cause = (error as Error)?.message ?? String(error);
  return new EngineUnreachableError(
    `cannot reach the Docker engine at ${address.url} (${cause}); ${reachHint(address)}`,
  );
}

export function wentAway(address: EngineAddress, error: unknown): string {
  const cause = (error as Error)?.message ?? String(error);
  return `the Docker engine at ${address.url} went away mid-run (${cause}); the next invocation reconnects once it is back`;
}

export const statusCode = (error: unknown): number | undefined =>
  (error as { statusCode?: number })?.statusCode;
