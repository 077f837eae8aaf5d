/**
 * At most a fixed number of open connections. One more takes the place of the oldest
 * connection with no request under way (one that never sent one, or sits between two), so
 * idle or slow connections cannot keep /health and everyone else out until their timeouts
 * close them; a connection whose request is under way (an invocation, an event stream) is
 * never cut. Only when every connection is busy is the newcomer closed.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export class ConnectionLimit {
  /** Open connections, oldest first, with how many of their requests are under way. */
  private readonly open = new Map<Socket, { requests: number }>();

  constructor(
    server: Server,
    private readonly max: number,
  ) {
    server.on('connection', (socket: Socket) => this.admit(socket));
  }

  /** Called for every request: its connection is busy until the response closes. */
  track(req: IncomingMessage, res: ServerResponse): void {
    const held = this.open.get(req.socket);
    if (!held) return;
    held.requests++;
    res.once('close', () => held.requests--);
  }

  private admit(socket: Socket): void {
    this.open.set(socket, { requests: 0 });
    socket.once('close', () => this.open.delete(socket));
    if (this.open.size <= this.max) return;
    for (const [other, state] of this.open) {
      if (state.requests === 0 && other !== socket) {
        other.destroy();
        return;
      }
    }
    socket.destroy();
  }
}
