/** A plain HTTP client for the gateway tests: exact headers, no retries, answers as they came. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Engine } from '../../source/engine/engine.js';
import { Gateway, type GatewayOptions } from '../../source/gateway/server.js';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whichever fields they check
  json: any;
}

export function call(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string | number>;
    body?: string | Buffer;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
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
      },
    );
    // A server that answers early (413) and closes may break our upload: the answer counts.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    req.end(options.body);
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
