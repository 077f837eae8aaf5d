import type { ServerResponse } from 'node:http';
import type { InvocationResult } from '../core/invocation.js';

/**
 * What one reader may have waiting unsent. A reader that lets more pile up (it stopped
 * reading) is closed with the reason, so it holds no more than this and a frame or two.
 */
export const MAX_BACKLOG_BYTES = 1024 * 1024;
/** How long a closed reader has to take its last frame before its connection is cut. */
const GOODBYE_MS = 5_000;
/**
 * An event carries at most this many characters of the input, the output and stderr each
 * (the answer to the invocation carries them whole); `truncated` gives the full lengths.
 */
export const EVENT_TEXT_CHARS = 1024;
const HEARTBEAT_MS = 15_000;

interface Subscriber {
  res: ServerResponse;
}

const BOUNDED_FIELDS = ['input', 'output', 'stderr'] as const;

/** The result as an event carries it: long texts cut to EVENT_TEXT_CHARS, their lengths kept. */
export function eventJson(result: InvocationResult): string {
  const long = BOUNDED_FIELDS.filter((field) => result[field].length > EVENT_TEXT_CHARS);
  if (long.length === 0) return resultJson(result);
  const cut: Record<string, unknown> = { ...result };
  const truncated: Record<string, number> = {};
  for (const field of long) {
    cut[field] = result[field].slice(0, EVENT_TEXT_CHARS);
    truncated[field] = result[field].length;
  }
  cut.truncated = truncated;
  return JSON.stringify(cut);
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
 * up invocations and costs a bounded buffer: once more than MAX_BACKLOG_BYTES wait unsent,
 * it is sent `event: closed` with the reason and its stream ends.
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
    const subscriber: Subscriber = { res };
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
      frames += `event: invocation\nid: ${this.sequence}\ndata: ${eventJson(result)}\n\n`;
    }
    for (const subscriber of this.subscribers) {
      if (subscriber.res.writableLength > MAX_BACKLOG_BYTES) this.drop(subscriber);
      else subscriber.res.write(frames);
    }
  }

  /** A reader that stopped reading: told why, then cut off if it does not take even that. */
  private drop(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber);
    const { res } = subscriber;
    const reason = `this reader left over ${MAX_BACKLOG_BYTES} bytes of events unread; reconnect and read faster`;
    res.end(`event: closed\ndata: ${JSON.stringify({ reason })}\n\n`);
    const cut = setTimeout(() => res.destroy(), GOODBYE_MS).unref();
    res.on('close', () => clearTimeout(cut));
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
