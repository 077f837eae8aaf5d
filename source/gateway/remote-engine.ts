import { EventEmitter } from 'node:events';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Manifest } from '../catalog/manifest.js';
import type { InvocationResult, InvokeRequest } from '../core/invocation.js';
import { checkRequestNames, UsageError } from '../engine/engine.js';
import type { FunctionInfo, InvocationEngine } from '../engine/invocation-engine.js';
import type { ErrorResponse, FunctionsResponse } from './protocol.js';

/** A result answered by a gateway: the server's phases plus what the client saw. */
export interface RemoteInvocationResult extends InvocationResult {
  /** From just before the request was written to the parsed answer, on the client's clock. */
  clientRoundTripMs: number;
}

export interface RemoteEngineOptions {
  /** Base URL of `nebula serve`, e.g. http://192.0.2.10:8080 */
  url: string;
  token?: string;
  /** Give up on one request after this long. */
  timeoutMs?: number;
  /** Open connections kept to the gateway (keep-alive). */
  maxSockets?: number;
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

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

/**
 * The Engine's invoke surface over HTTP, so commands and the console run against a
 * `nebula serve` on another machine. The server's `acceptedAtNs` is on the server's clock.
 */
export class RemoteEngine
  extends EventEmitter<{ invocation: [RemoteInvocationResult] }>
  implements InvocationEngine
{
  readonly url: string;
  private readonly agent: HttpAgent;
  private functions: FunctionInfo[] = [];
  private problems: string[] = [];

  private constructor(private readonly options: RemoteEngineOptions) {
    super();
    this.url = options.url.replace(/\/+$/, '');
    const Agent = this.url.startsWith('https:') ? HttpsAgent : HttpAgent;
    this.agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  }

  /** Reaches the gateway and reads its catalog, so a wrong URL or token fails here. */
  static async connect(options: RemoteEngineOptions): Promise<RemoteEngine> {
    const engine = new RemoteEngine(options);
    try {
      await engine.refresh();
    } catch (error) {
      await engine.close();
      throw error;
    }
    return engine;
  }

  get catalog(): { functions: readonly FunctionInfo[]; problems: readonly string[] } {
    return { functions: this.functions, problems: this.problems };
  }

  async refresh(): Promise<void> {
    const answer = await this.send('GET', '/functions');
    if (answer.status !== 200) throw this.failure(answer, 'list functions');
    const body = JSON.parse(answer.text) as FunctionsResponse;
    this.functions = body.functions.map((manifest: Manifest) => ({
      name: manifest.name,
      manifest,
    }));
    this.problems = body.problems;
  }

  fn(name: string): FunctionInfo {
    const found = this.functions.find((fn) => fn.name === name);
    if (found) return found;
    const known = this.functions.map((fn) => fn.name).join(', ');
    throw new UsageError(`unknown function "${name}" on ${this.url}; known functions: ${known}`);
  }

  async invoke(
    functionName: string,
    runtimeName: string,
    request: InvokeRequest,
  ): Promise<RemoteInvocationResult> {
    // Same checks and messages as the local Engine, without a round trip.
    checkRequestNames(runtimeName, request.mode);
    this.fn(functionName);
    if (request.variant) {
      throw new UsageError(
        `variants (${runtimeName}:${request.variant}) run on a local engine only; the gateway runs each runtime's defaults`,
      );
    }
    const path = `/functions/${encodeURIComponent(functionName)}/invoke?runtime=${runtimeName}&mode=${request.mode}`;
    const started = process.hrtime.bigint();
    const answer = await this.send('POST', path, request.input, request.signal);
    if (answer.status !== 200) throw this.failure(answer, `invoke ${functionName}`);
    let result: InvocationResult;
    try {
      result = JSON.parse(answer.text) as InvocationResult;
    } catch {
      throw new GatewayUnreachableError(
        `gateway ${this.url} answered ${functionName} with something that is not JSON: ${answer.text.slice(0, 120)}`,
      );
    }
    const clientRoundTripMs = Number(process.hrtime.bigint() - started) / 1e6;
    const remote: RemoteInvocationResult = { ...result, clientRoundTripMs };
    this.emit('invocation', remote);
    return remote;
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private failure(answer: Answer, what: string): Error {
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

  /**
   * One request. A kept-alive connection the gateway closed while idle (its keep-alive
   * timeout, or a restart) fails at once with ECONNRESET before any byte of an answer; the
   * gateway never saw that request, so it is sent once more on a fresh connection.
   */
  private async send(
    method: string,
    path: string,
    body?: string,
    signal?: AbortSignal,
  ): Promise<Answer> {
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
    const request = this.url.startsWith('https:') ? httpsRequest : httpRequest;
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const headers: Record<string, string | number> = {};
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (payload) {
      headers['content-type'] = 'text/plain; charset=utf-8';
      headers['content-length'] = payload.length;
    }
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.url}${path}`,
        { method, headers, agent: this.agent, signal, timeout: this.options.timeoutMs ?? 120_000 },
        (res) => {
          const chunks: Buffer[] = [];
          const cut = (why: string) =>
            reject(
              new GatewayUnreachableError(`gateway ${this.url} went away mid-answer (${why})`),
            );
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
      req.on('timeout', () =>
        req.destroy(new Error(`no answer within ${this.options.timeoutMs ?? 120_000} ms`)),
      );
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
    });
  }
}
