/**
 * The gateway's client against a gateway that misbehaves. A gateway closes idle keep-alive
 * connections (its timeout, or a restart): a request sent on one just as it closes never
 * reached the gateway, so the client sends it again on a fresh one instead of failing the
 * invocation. A damaged event on the event stream is dropped, not thrown.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { subscribeEvents } from '../../source/remote/event-client.js';
import { RemoteEngine } from '../../source/remote/remote-engine.js';

const manifest = JSON.parse(
  readFileSync(new URL('../../../functions/hello/function.json', import.meta.url), 'utf8'),
);

function answer(socket: Socket, body: unknown): void {
  const text = JSON.stringify(body);
  socket.write(
    `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: keep-alive\r\n\r\n${text}`,
  );
}

describe('the gateway client on a connection the gateway closed', () => {
  // A minimal gateway: the second request on any connection finds it closed.
  const requests: string[] = [];
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    let served = 0;
    socket.on('data', (chunk) => {
      const line = chunk.toString('latin1').split('\r\n')[0] ?? '';
      requests.push(line);
      if (served++ > 0) {
        socket.destroy();
        return;
      }
      if (line.startsWith('GET /functions '))
        answer(socket, { functions: [manifest], problems: [] });
      else if (line.startsWith('GET /machine '))
        answer(socket, {
          machine: { hostname: 'fake' },
          profile: { name: 'f', label: 'f' },
          power: null,
        });
      else answer(socket, { function: 'hello', ok: true, output: '', timings: {} });
    });
  });
  after(() => server.close());

  it('sends the request again on a fresh connection and gets its answer', async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const engine = await RemoteEngine.connect({ url: `http://127.0.0.1:${port}` });
    try {
      const result = await engine.invoke('hello', 'wasm', { input: '', mode: 'cold' });
      assert.equal(result.ok, true);
      // Connecting reads the catalog and the machine; each request after the first on a
      // connection finds it closed and goes again on a fresh one.
      assert.equal(connections, 3);
      assert.deepEqual(
        requests.map((line) => line.split(' ').slice(0, 2).join(' ')),
        [
          'GET /functions',
          'GET /machine',
          'GET /machine',
          'POST /functions/hello/invoke?runtime=wasm&mode=cold',
          'POST /functions/hello/invoke?runtime=wasm&mode=cold',
        ],
      );
    } finally {
      await engine.close();
    }
  });
});

describe('the event stream client on a damaged stream', () => {
  it('drops an event that is not JSON and goes on with the next', async () => {
    const server = createServer((socket) => {
      socket.once('data', () => {
        socket.write(
          'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n' +
            'event: invocation\ndata: {not json\n\n' +
            `event: invocation\ndata: ${JSON.stringify({ function: 'hello', ok: true })}\n\n`,
        );
        socket.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const seen: string[] = [];
      const events = subscribeEvents(`http://127.0.0.1:${port}`, undefined, {
        invocation: (result) => seen.push(result.function),
      });
      await events.opened;
      await events.closed;
      assert.deepEqual(seen, ['hello']);
    } finally {
      server.close();
    }
  });
});
