/** A plain HTTP client for the gateway tests: exact headers, no retries, answers as they came. */
import {
  type Agent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { Engine } from '../../source/engine/engine.js';
import { Gateway, type GatewayOptions } from '../../source/gateway/server.js';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whichever fields they check
  json: any;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  /** Default: a new connection per call, so a test never meets a stale pooled socket. */
  agent?: Agent | false;
}

export function call(url: string, options: CallOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false },
      (res) => collect(res).then(resolve, reject),
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Streams `size` bytes in 64 KiB chunks and stops as soon as an answer comes, like a client
 * that reads while it writes. A write broken by the server closing after its answer is fine.
 */
export function upload(
  url: string,
  size: number,
  headers: Record<string, string | number>,
  chunked: boolean,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent: false,
        headers: chunked ? headers : { ...headers, 'content-length': size },
      },
      (res) => {
        answered = true;
        collect(res).then(resolve, reject);
      },
    );
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const write = (): void => {
      while (!answered && sent < size) {
        const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += part.length;
        if (!req.write(part)) {
          req.once('drain', write);
          return;
        }
      }
      if (!answered) req.end();
    };
    write();
  });
}

function collect(res: IncomingMessage): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', reject);
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON
      }
      resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
    });
  });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A gateway over a real Engine on a free loopback port. */
export async function startGateway(options: Omit<GatewayOptions, 'engine'> = {}) {
  const engine = new Engine();
  const gateway = new Gateway({ engine, ...options });
  const { url } = await gateway.listen(0, '127.0.0.1');
  return {
    engine,
    gateway,
    url,
    async stop() {
      await gateway.close();
      await engine.close();
    },
  };
}

/** Polls until the predicate holds: waits on a state, never on a fixed time. */
export async function waitFor(predicate: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`gave up waiting for ${what}`);
}
