import type { ServerResponse } from 'node:http';
import type { InvocationResult } from '../core/invocation.js';

/** Past this many unsent bytes a client is too slow: its events are dropped and counted. */
const MAX_BACKLOG_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

interface Subscriber {
  res: ServerResponse;
  dropped: number;
}

/** Each result's JSON, when the gateway has already written it as an answer (resultJson). */
const serialized = new WeakMap<InvocationResult, string>();

/** The result as JSON, made once for the answer and the event stream alike. */
export function resultJson(result: InvocationResult): string {
  let text = serialized.get(result);
  if (text === undefined) {
    text = JSON.stringify(result);
    serialized.set(result, text);
  }
  return text;
}

/**
 * Server-sent events of invocation results (`event: invocation`). A slow reader never holds
 * up invocations: its events are dropped, and it is told how many with `event: dropped`.
 * Events go out after the answers: an invocation only queues its result, and the frames of
 * every result queued meanwhile are written on the next turn of the event loop, one write per
 * reader, so the readers cost the invocation's request neither the JSON nor the writes.
 */
export class EventStream {
  private readonly subscribers = new Set<Subscriber>();
  private sequence = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private pending: InvocationResult[] = [];
  private flushing: NodeJS.Immediate | null = null;

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
    this.pending.push(result);
    this.flushing ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushing = null;
    const results = this.pending;
    this.pending = [];
    if (this.subscribers.size === 0) return;
    let frames = '';
    for (const result of results) {
      this.sequence++;
      frames += `event: invocation\nid: ${this.sequence}\ndata: ${resultJson(result)}\n\n`;
    }
    for (const subscriber of this.subscribers) {
      if (subscriber.res.writableLength > MAX_BACKLOG_BYTES) {
        subscriber.dropped += results.length;
        continue;
      }
      const dropped = subscriber.dropped;
      subscriber.dropped = 0;
      subscriber.res.write(
        dropped > 0 ? `event: dropped\ndata: {"count":${dropped}}\n\n${frames}` : frames,
      );
    }
  }

  /** Ends every stream (shutdown). */
  close(): void {
    clearInterval(this.heartbeat);
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = null;
    this.pending = [];
    for (const { res } of this.subscribers) res.end();
    this.subscribers.clear();
  }

  private writeAll(text: string): void {
    for (const { res } of this.subscribers) res.write(text);
  }
}
