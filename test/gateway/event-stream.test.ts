/**
 * GET /events: an event carries at most EVENT_TEXT_CHARS of the input, output and stderr
 * (with their full lengths), and a reader that stops reading costs a bounded buffer, then is
 * closed with the reason.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { after, describe, it } from 'node:test';
import type { InvocationResult } from '../../source/core/invocation.js';
import { EventStream } from '../../source/gateway/event-stream.js';

/** The bounds README states for /events. */
const EVENT_TEXT_CHARS = 1024;
const MAX_BACKLOG_BYTES = 1024 * 1024;

function result(input: string): InvocationResult {
  return {
    function: 'hello',
    runtime: 'wasm',
    mode: 'warm',
    input,
    ok: true,
    output: 'hello\n',
    error: null,
    failure: null,
    exitCode: 0,
    stderr: '',
    timings: { startupMs: 1, execMs: 1, teardownMs: 1, totalMs: 3 },
    acceptedAtNs: '0',
  };
}

describe('the event stream', { timeout: 60_000 }, () => {
  const stream = new EventStream();
  const responses: ServerResponse[] = [];
  const server = createServer((_req, res) => {
    responses.push(res);
    stream.subscribe(res);
  });
  after(() => {
    stream.close();
    server.close();
  });

  /** A reader on a raw socket: everything it received, and the socket to pause. */
  async function reader() {
    if (!server.listening) {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
    }
    const { port } = server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    // Subscribed once the server has its request (an earlier reader may still be leaving).
    const subscribed = responses.length + 1;
    while (responses.length < subscribed) await new Promise((resolve) => setImmediate(resolve));
    return { socket, text: () => text };
  }

  it('carries a bounded input, with its full length', async () => {
    const { socket, text } = await reader();
    stream.publish(result('x'.repeat(1_000_000)));
    while (!text().includes('event: invocation')) await new Promise((r) => setTimeout(r, 5));
    while (!text().includes('}\n\n')) await new Promise((r) => setTimeout(r, 5));
    socket.destroy();
    const data = text()
      .split('\n')
      .find((line) => line.startsWith('data: '));
    const event = JSON.parse(data?.slice(6) ?? 'null');
    assert.equal(event.input.length, EVENT_TEXT_CHARS);
    assert.deepEqual(event.truncated, { input: 1_000_000 });
    assert.equal(event.output, 'hello\n', 'short fields are carried whole');
  });

  it('closes a reader that stopped reading, with the reason, its buffer bounded', async () => {
    const { socket, text } = await reader();
    const res = responses.at(-1) as ServerResponse;
    socket.pause();
    let most = 0;
    let published = 0;
    // Events of the largest size an event can carry, 50 a turn, until the reader is dropped.
    const big = result('y'.repeat(EVENT_TEXT_CHARS));
    const dropped = () => res.writableEnded;
    while (!dropped() && published < 200_000) {
      for (let i = 0; i < 50; i++) stream.publish(big);
      published += 50;
      await new Promise((resolve) => setImmediate(resolve));
      most = Math.max(most, res.writableLength);
    }
    assert.ok(dropped(), `still subscribed after ${published} events`);
    const batch = 50 * (JSON.stringify(big).length + 64);
    assert.ok(
      most <= MAX_BACKLOG_BYTES + 2 * batch,
      `${most} bytes waited for a reader that does not read`,
    );
    socket.resume();
    while (!text().includes('event: closed')) await new Promise((r) => setTimeout(r, 5));
    assert.match(text(), /reconnect and read faster/);
    socket.destroy();
  });
});
