import type { IncomingMessage } from 'node:http';
import type Docker from 'dockerode';
import { awaitLater } from '../../core/await-later.js';

export interface WaitResult {
  StatusCode: number;
  Error?: { Message?: string } | null;
}

/**
 * Asks the engine to report the container's next exit. Resolves once the engine has
 * registered the wait (it sends the headers then), so a start that follows cannot win the
 * race against it; `exited` resolves when the container exits. dockerode's own wait()
 * resolves only at the exit, and its default condition returns at once for a container
 * that has not started yet.
 */
export function waitForExit(docker: Docker, id: string): Promise<{ exited: Promise<WaitResult> }> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${id}/wait?`,
        method: 'POST',
        options: { condition: 'next-exit' },
        isStream: true,
        statusCodes: {
          200: true,
          400: 'bad parameter',
          404: 'no such container',
          500: 'server error',
        },
      },
      (error: unknown, response: unknown) => {
        if (error) return reject(error);
        // Awaited by the caller only after it has started the container.
        resolve({ exited: awaitLater(readJson(response as IncomingMessage)) });
      },
    );
  });
}

function readJson(response: IncomingMessage): Promise<WaitResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('error', reject);
    response.on('aborted', () =>
      reject(new Error('socket hang up while waiting for the container')),
    );
    // A connection that closes without an end (the engine killed) must not leave us waiting.
    response.on('close', () => reject(new Error('socket hang up while waiting for the container')));
    response.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WaitResult);
      } catch {
        reject(new Error('socket hang up while waiting for the container'));
      }
    });
  });
}
