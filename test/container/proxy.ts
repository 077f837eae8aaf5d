import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAddress } from '../../source/runtimes/container/address.js';

/**
 * A byte-for-byte relay to the real engine that a test can take down and bring back: to
 * the client it looks exactly like an engine that dies and restarts, without killing the
 * engine other tests share. Listens on a unix socket, or on TCP for tcp:// addresses.
 */
export class EngineRelay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly dir = mkdtempSync(join(tmpdir(), 'nebula-relay-'));
  readonly socketPath = join(this.dir, 'docker.sock');
  port = 0;

  constructor(private readonly kind: 'unix' | 'tcp' = 'unix') {}

  get address(): string {
    return this.kind === 'unix' ? `unix://${this.socketPath}` : `tcp://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const target = resolveAddress().options;
    // Half-open both ways: a client ends stdin with a half-close and still reads stdout.
    const server = createServer({ allowHalfOpen: true }, (client) => {
      const engine = target.socketPath
        ? createConnection({ path: target.socketPath, allowHalfOpen: true })
        : createConnection({
            port: Number(target.port),
            host: target.host ?? '127.0.0.1',
            allowHalfOpen: true,
          });
      for (const socket of [client, engine]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(engine);
      engine.pipe(client);
      client.on('close', () => engine.destroy());
      engine.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      if (this.kind === 'unix') server.listen(this.socketPath, resolve);
      else server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
    const bound = server.address();
    if (bound && typeof bound === 'object') this.port = bound.port;
  }

  /** Every open connection is cut and nothing listens any more. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  async dispose(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
