/**
 * Who may knock: the Host names the gateway answers to, and the browser origins allowed to
 * call it. A page in the user's browser can send a request to a loopback port (cross-site
 * request) or rename its own site to one that resolves to 127.0.0.1 (DNS rebinding); the
 * first carries an Origin header, the second a foreign Host. Both are refused with 403.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { isLoopback } from './auth.js';
import { sendError } from './http-io.js';

export interface DoorOptions {
  /** The address the server is bound to (its own name is always allowed). */
  boundHost: string;
  /** Extra Host names to answer to (a DNS name of this machine, a reverse proxy's name). */
  allowHosts?: readonly string[];
  /** Browser origins allowed to call, e.g. http://localhost:3000; none by default. */
  allowOrigins?: readonly string[];
}

export type DoorOutcome = { ok: true; origin: string | null } | { ok: false; error: string };

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** "Example.org:8080" -> "example.org", "[::1]:80" -> "::1". */
export function hostName(header: string): string {
  const text = header.trim().toLowerCase();
  if (text.startsWith('['))
    return text.slice(1, text.indexOf(']') > 0 ? text.indexOf(']') : undefined);
  const colon = text.lastIndexOf(':');
  return (colon >= 0 && text.indexOf(':') === colon ? text.slice(0, colon) : text).replace(
    /\.$/,
    '',
  );
}

/** The names this gateway answers to: loopback names, its bound address, what it was told. */
export function allowedHosts(options: DoorOptions): Set<string> {
  const names = new Set<string>(LOOPBACK_NAMES);
  const bound = hostName(options.boundHost);
  if (WILDCARDS.has(bound)) {
    // Bound to every interface: the machine's own addresses and name.
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces())) {
      for (const address of list ?? []) names.add(address.address.toLowerCase());
    }
  } else names.add(bound);
  for (const name of options.allowHosts ?? []) names.add(hostName(name));
  return names;
}

/** "http://Example.org:80/" -> "http://example.org"; null when it is not an origin. */
export function normalOrigin(text: string): string | null {
  try {
    const url = new URL(text.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

export function doorChecker(options: DoorOptions): (headers: IncomingHttpHeaders) => DoorOutcome {
  const hosts = allowedHosts(options);
  const origins = new Set((options.allowOrigins ?? []).map((o) => normalOrigin(o) ?? o));
  const hint = isLoopback(options.boundHost) ? '' : ' or give --allow-host NAME';
  return (headers) => {
    const host = headers.host;
    if (!host) return { ok: false, error: 'no Host header: send the name the gateway serves' };
    const name = hostName(host);
    if (!hosts.has(name)) {
      return {
        ok: false,
        error: `Host "${name}" is not one this gateway serves (${[...hosts].slice(0, 6).join(', ')}${hosts.size > 6 ? ', ...' : ''}); use one of them${hint}`,
      };
    }
    const origin = headers.origin;
    if (origin === undefined) return { ok: true, origin: null };
    const normal = normalOrigin(origin);
    if (normal && origins.has(normal)) return { ok: true, origin: normal };
    return {
      ok: false,
      error: `requests from web pages are refused (Origin ${origin}); start the gateway with --allow-origin ${normal ?? 'ORIGIN'} to allow that one`,
    };
  };
}

/** Headers the doors judge: each must come at most once. */
const SINGLE_HEADERS = ['host', 'origin', 'authorization'] as const;

/**
 * Answers 400 for a request with a judged header twice, 403 for one the doors refuse, and a CORS preflight of an allowed origin;
 * true when the request may go on to its route (with CORS headers for an allowed origin).
 */
export function passDoors(
  check: (headers: IncomingHttpHeaders) => DoorOutcome,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  // Node keeps the first of two Host (or Origin, or Authorization) headers and drops the
  // rest; a proxy in front may have judged the other one. Which one was meant is not ours to
  // guess: a request with two is refused.
  const twice = SINGLE_HEADERS.find((name) => (req.headersDistinct[name]?.length ?? 0) > 1);
  if (twice) {
    sendError(res, 400, { error: `more than one ${twice} header: send it once` });
    return false;
  }
  const door = check(req.headers);
  if (!door.ok) {
    sendError(res, 403, { error: door.error });
    return false;
  }
  if (!door.origin) return true;
  res.setHeader('access-control-allow-origin', door.origin);
  res.setHeader('vary', 'origin');
  if (req.method !== 'OPTIONS') return true;
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST',
    'access-control-allow-headers': 'authorization, content-type',
    'access-control-max-age': '600',
  });
  res.end();
  return false;
}
