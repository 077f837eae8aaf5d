import type { ServerResponse } from 'node:http';
import type { InvocationResult } from '../core/invocation.js';

/** Past this many unsent bytes a client is too slow: its events are dropped and counted. */
const MAX_BACKLOG_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

interface Subscriber {
  res: ServerResponse;
  dropped: number;
}

/**
 * Server-sent events of invocation results (`event: invocation`). A slow reader never holds
 * up invocations: its events are dropped, and it is told how many with `event: dropped`.
 */
export class EventStream {
  private readonly subscribers = new Set<Subscriber>();
  private sequence = 0;
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    // A comment line now and then keeps proxies from closing a quiet stream.
    this.heartbeat = setInterval(() => this.writeAll(': ping\n\n'), HEARTBEAT_MS).unref();
  }

  get size(): number {
    return this.subscribers.size;
  }

  subscribe(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    // HEAD asks only whether the stream is there: a response without a body ends here.
    if (res.req?.method === 'HEAD') {
      res.end();
      return;
    }
    res.write(': nebula invocation events\n\n');
    const subscriber: Subscriber = { res, dropped: 0 };
    this.subscribers.add(subscriber);
    res.on('close', () => this.subscribers.delete(subscriber));
  }

  publish(result: InvocationResult): void {
    if (this.subscribers.size === 0) return;
    this.sequence++;
    const frame = `event: invocation\nid: ${this.sequence}\ndata: ${JSON.stringify(result)}\n\n`;
    for (const subscriber of this.subscribers) {
      if (subscriber.res.writableLength > MAX_BACKLOG_BYTES) {
        subscriber.dropped++;
        continue;
      }
      if (subscriber.dropped > 0) {
        subscriber.res.write(`event: dropped\ndata: {"count":${subscriber.dropped}}\n\n`);
        subscriber.dropped = 0;
      }
      subscriber.res.write(frame);
    }
  }

  /** Ends every stream (shutdown). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const { res } of this.subscribers) res.end();
    this.subscribers.clear();
  }

  private writeAll(text: string): void {
    for (const { res } of this.subscribers) res.write(text);
  }
}
