import { createServer } from 'node:net';

/**
 * A TCP port nothing listens on now, found by binding port 0 on `host` and closing again:
 * for a broker, meter or gateway that must be told its port before it starts.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0 }, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error(`no free port on ${host}`)),
      );
    });
  });
}
