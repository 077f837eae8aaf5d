/**
 * The client's side of the wire: requests to a `nebula serve` with the token and this
 * Nebula's version, answers read whole (JSON) or line by line (NDJSON streams), and the
 * gateway's refusals turned into errors that say what to do.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { UsageError } from '../core/errors.js';
import { type ErrorResponse, VERSION_HEADER, versionMismatch } from '../protocol/gateway.js';

export interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

/** The gateway answered 429 or 503: it is full or closing. Nothing ran. */
export class GatewayBusyError extends Error {
  override name = 'GatewayBusyError';
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterS: number | null,
  ) {
    super(message);
  }
}

/** The gateway runs another Nebula version: refused, both versions named. */
export class VersionMismatchError extends UsageError {
  override name = 'UsageError';
}

/** The gateway could not be reached or went away mid-request: the run failed there, not here. */
export class GatewayUnreachableError extends Error {
  override name = 'GatewayUnreachableError';
  readonly failure = 'gateway' as const;
}

/** A pooled connection was already closed by the gateway: the request never reached it. */
class StaleConnectionError extends Error {
  override name = 'StaleConnectionError';
}

const CONNECT_TIMEOUT_MS = 10_000;

export interface GatewayHttpOptions {
  url: string;
  token?: string;
  timeoutMs?: number;
  maxSockets?: number;
  /** This client's Nebula version, sent with every request. */
  version: string;
}

export class GatewayHttp {
  readonly url: string;
  private readonly agent: HttpAgent;

  constructor(private readonly options: GatewayHttpOptions) {
    this.url = options.url.replace(/\/+$/, '');
    const Agent = this.url.startsWith('https:') ? HttpsAgent : HttpAgent;
    this.agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  }

  get version(): string {
    return this.options.version;
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * A request answered whole. A kept-alive connection the gateway closed while idle (its
   * keep-alive timeout, or a restart) fails at once with ECONNRESET before any byte of an
   * answer; the gateway never saw that request, so it is sent once more on a fresh one.
   */
  async send(method: string, path: string, body?: string, signal?: AbortSignal): Promise<Answer> {
    try {
      return await this.sendOnce(method, path, body, signal);
    } catch (error) {
      if (!(error instanceof StaleConnectionError)) throw error;
      return this.sendOnce(method, path, body, signal);
    }
  }

  private sendOnce(
    method: string,
    path: string,
    body?: string,
    signal?: AbortSignal,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = this.open(method, path, body, signal, reject, (res) => {
        const chunks: Buffer[] = [];
        const cut = (why: string) =>
          reject(new GatewayUnreachableError(`gateway ${this.url} went away mid-answer (${why})`));
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => cut(error.message));
        // A connection cut before the end of the answer (the gateway killed).
        res.on('close', () => {
          if (!res.complete) cut('connection closed');
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.on('timeout', () =>
        req.destroy(new Error(`no answer within ${this.options.timeoutMs ?? 120_000} ms`)),
      );
    });
  }

  /**
   * An NDJSON answer, one parsed line at a time. Resolves with the status once the answer
   * ended ('complete'), rejects with GatewayUnreachableError when the connection broke
   * before its end. A non-200 answer is read whole and thrown as a failure.
   */
  stream(
    method: string,
    path: string,
    body: string | undefined,
    onLine: (line: Record<string, unknown>) => void,
    what: string,
    signal?: AbortSignal,
  ): { done: Promise<void>; cut: () => void } {
    let cut: () => void = () => {};
    const done = new Promise<void>((resolve, reject) => {
      const req = this.open(method, path, body, signal, reject, (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            reject(
              this.failure(
                {
                  status: res.statusCode ?? 0,
                  headers: res.headers,
                  text: Buffer.concat(chunks).toString('utf8'),
                },
                what,
              ),
            ),
          );
          return;
        }
        let rest = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          rest += chunk;
          let newline = rest.indexOf('\n');
          while (newline >= 0) {
            const text = rest.slice(0, newline);
            rest = rest.slice(newline + 1);
            if (text.trim() !== '') onLine(JSON.parse(text) as Record<string, unknown>);
            newline = rest.indexOf('\n');
          }
        });
        res.on('end', () => resolve());
        res.on('error', (error) => reject(this.lost(error)));
        res.on('aborted', () => reject(this.lost(new Error('the answer stopped midway'))));
        res.on('close', () => {
          if (!res.complete) reject(this.lost(new Error('the connection closed midway')));
        });
      });
      // A stream may run for hours: no answer timeout once it has started.
      req.setTimeout(0);
      cut = () => req.destroy(new Error('stopped by the client'));
    });
    done.catch(() => undefined);
    return { done, cut: () => cut() };
  }

  private lost(error: Error): GatewayUnreachableError {
    return new GatewayUnreachableError(`connection to gateway ${this.url} lost: ${error.message}`);
  }

  private open(
    method: string,
    path: string,
    body: string | undefined,
    signal: AbortSignal | undefined,
    reject: (error: Error) => void,
    onResponse: (res: IncomingMessage) => void,
  ) {
    const request = this.url.startsWith('https:') ? httpsRequest : httpRequest;
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const headers: Record<string, string | number> = { [VERSION_HEADER]: this.options.version };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (payload) {
      headers['content-type'] = 'text/plain; charset=utf-8';
      headers['content-length'] = payload.length;
    }
    const req = request(
      `${this.url}${path}`,
      { method, headers, agent: this.agent, signal, timeout: this.options.timeoutMs ?? 120_000 },
      (res) => {
        const theirs = res.headers[VERSION_HEADER];
        if (typeof theirs === 'string' && theirs !== this.options.version) {
          res.resume();
          reject(
            new VersionMismatchError(
              `gateway ${this.url}: ${versionMismatch(theirs, this.options.version)}`,
            ),
          );
          return;
        }
        onResponse(res);
      },
    );
    // A wrong address should fail in seconds, not after the whole invocation timeout.
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(
        () => req.destroy(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`)),
        CONNECT_TIMEOUT_MS,
      );
      socket.once('connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') return reject(error);
      if (req.reusedSocket && error.code === 'ECONNRESET') {
        return reject(new StaleConnectionError(error.message));
      }
      const hint =
        error.code === 'ECONNREFUSED'
          ? '; is `nebula serve` running there, and is the port open?'
          : '';
      reject(
        new GatewayUnreachableError(`cannot reach gateway ${this.url}: ${error.message}${hint}`),
      );
    });
    req.end(payload);
    return req;
  }

  failure(answer: Answer, what: string): Error {
    let message = answer.text;
    try {
      message = (JSON.parse(answer.text) as ErrorResponse).error ?? message;
    } catch {
      // not JSON: keep the text as it came
    }
    const where = `gateway ${this.url}`;
    if (answer.status === 401 || answer.status === 403) {
      return new UsageError(
        `${where} refused to ${what} (${answer.status}): ${message}; set target.token in the profile or NEBULA_TOKEN`,
      );
    }
    if (answer.status === 429 || answer.status === 503) {
      const retry = Number(answer.headers['retry-after']);
      return new GatewayBusyError(
        `${where} is busy (${answer.status}): ${message}`,
        answer.status,
        Number.isFinite(retry) ? retry : null,
      );
    }
    if (answer.status >= 400 && answer.status < 500) {
      return new UsageError(`${where} could not ${what} (${answer.status}): ${message}`);
    }
    return new Error(`${where} failed to ${what} (${answer.status}): ${message}`);
  }
}
