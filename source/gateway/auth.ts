import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type AuthOutcome = 'ok' | 'missing' | 'wrong';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Checks `Authorization: Bearer <token>`; compares digests so timing says nothing of the token. */
export function bearerChecker(token: string | undefined): (req: IncomingMessage) => AuthOutcome {
  if (!token) return () => 'ok';
  const expected = digest(token);
  return (req) => {
    const header = req.headers.authorization;
    if (!header) return 'missing';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match?.[1]) return 'missing';
    return timingSafeEqual(digest(match[1]), expected) ? 'ok' : 'wrong';
  };
}

/** 127.0.0.0/8, ::1 and localhost: the only addresses served without a token. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}
