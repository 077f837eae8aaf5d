import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorResponse } from '../protocol/gateway.js';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/** Answers with JSON text made already (an invocation's, shared with the event stream). */
export function sendJsonText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  status: number,
  error: ErrorResponse,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, error, headers);
}

export type BodyOutcome =
  | { ok: true; text: string }
  | { ok: false; reason: 'too-large' | 'aborted' };

/**
 * Reads the body as UTF-8 up to `limit` bytes. Past the limit it stops listening and keeps
 * nothing, so an oversized upload costs no memory; the caller answers 413 and closes.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (outcome: BodyOutcome): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onAborted);
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.pause();
        finish({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void =>
      finish({ ok: true, text: Buffer.concat(chunks, size).toString('utf8') });
    const onAborted = (): void => finish({ ok: false, reason: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onAborted);
  });
}

/**
 * 413 with the reason, then the connection closes: the rest of the upload is never read, so
 * the client is not left writing into a socket nobody answers.
 */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, error: string): void {
  res.on('finish', () => req.socket.destroySoon());
  sendError(res, 413, { error }, { connection: 'close' });
}

/**
 * The body as text, or null when there is nothing to do: a body over `limit` has been
 * answered 413 (`tooLarge` says what the bound is and what to send instead), and an aborted
 * one has nobody left to answer. Every route reads its body through this, so none can forget
 * to answer an oversized one.
 */
export async function readBodyOrRefuse(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  tooLarge: string,
): Promise<string | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    refuseTooLarge(req, res, tooLarge);
    return null;
  }
  const body = await readBody(req, limit);
  if (body.ok) return body.text;
  if (body.reason === 'too-large') refuseTooLarge(req, res, tooLarge);
  return null;
}

/** The route's method (HEAD for GET too), else a 405 naming it. */
export function allow(req: IncomingMessage, res: ServerResponse, method: string): boolean {
  if (req.method === method || (method === 'GET' && req.method === 'HEAD')) return true;
  sendError(
    res,
    405,
    { error: `${req.method} is not allowed here; use ${method}` },
    { allow: method },
  );
  return false;
}
