import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { InvocationResult } from '../core/invocation.js';

export interface EventSubscription {
  /** Resolves once the gateway has accepted the stream (or rejects with why not). */
  opened: Promise<void>;
  /** Resolves when the stream ends, from either side. */
  closed: Promise<void>;
  close(): void;
}

/**
 * Follows GET /events of a gateway: every invocation it runs, whoever asked for it, for a
 * console watching a remote machine. `closed` gets the reason when the gateway closes a
 * reader that fell too far behind.
 */
export function subscribeEvents(
  url: string,
  token: string | undefined,
  handlers: { invocation(result: InvocationResult): void; closed?(reason: string): void },
): EventSubscription {
  const base = url.replace(/\/+$/, '');
  const request = base.startsWith('https:') ? httpsRequest : httpRequest;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (token) headers.authorization = `Bearer ${token}`;
  const req = request(`${base}/events`, { headers, agent: false });
  const opened = new Promise<void>((resolve, reject) => {
    req.on('error', (error) => {
      reject(new Error(`cannot follow events of gateway ${base}: ${error.message}`));
      resolveClosed();
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`gateway ${base} refused the event stream (${res.statusCode})`));
        resolveClosed();
        return;
      }
      resolve();
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          dispatch(buffer.slice(0, end), handlers);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      });
      res.on('close', resolveClosed);
    });
  });
  opened.catch(() => {}); // a caller that only awaits `closed` must not see an unhandled rejection
  req.end();
  return { opened, closed, close: () => req.destroy() };
}

/** One SSE block: `event:` names it, `data:` lines carry JSON; comments start with ':'. */
function dispatch(
  block: string,
  handlers: { invocation(result: InvocationResult): void; closed?(reason: string): void },
): void {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (data.length === 0) return;
  let payload: unknown;
  try {
    payload = JSON.parse(data.join('\n'));
  } catch {
    return; // a damaged event is dropped, never thrown out of the stream's data handler
  }
  if (event === 'invocation') handlers.invocation(payload as InvocationResult);
  else if (event === 'closed') handlers.closed?.(String((payload as { reason?: unknown }).reason));
}
