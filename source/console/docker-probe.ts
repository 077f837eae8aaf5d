/**
 * Is the Docker engine there? One GET /_ping on its socket or port, so the status bar can say
 * so without loading dockerode or creating containers. Addresses it cannot ping this way
 * (ssh, TLS) are left to the container runtime, which says when it cannot connect.
 */
import { request } from 'node:http';
import { AddressError, resolveAddress } from '../runtimes/container/address.js';
import type { ServiceStatus } from './state.js';

export interface DockerTarget {
  url: string;
  ping: (() => Promise<string | null>) | null;
}

/** The address the container runtime will use, and how to ping it; throws AddressError. */
export function dockerTarget(profileHost?: string): DockerTarget {
  const address = resolveAddress(profileHost);
  const options = address.options as {
    socketPath?: string;
    host?: string;
    port?: number;
    protocol?: string;
  };
  if (options.socketPath) {
    const socketPath = options.socketPath;
    return { url: address.url, ping: () => ping({ socketPath }) };
  }
  if (options.protocol === 'http' && options.host) {
    const { host, port } = options;
    return { url: address.url, ping: () => ping({ host, port }) };
  }
  return { url: address.url, ping: null };
}

/** null when the engine answered OK, else why not. */
function ping(where: {
  socketPath?: string;
  host?: string;
  port?: number;
}): Promise<string | null> {
  return new Promise((resolve) => {
    const req = request({ ...where, path: '/_ping', method: 'GET', timeout: 1500 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? null : `answered ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 1.5 s')));
    req.on('error', (error) => resolve((error as NodeJS.ErrnoException).code ?? error.message));
    req.end();
  });
}

export async function probeDocker(profileHost?: string): Promise<ServiceStatus> {
  let target: DockerTarget;
  try {
    target = dockerTarget(profileHost);
  } catch (error) {
    if (error instanceof AddressError)
      return { state: 'down', address: '?', detail: error.message };
    throw error;
  }
  if (!target.ping)
    return { state: 'checking', address: target.url, detail: 'checked on first use' };
  const problem = await target.ping();
  return problem === null
    ? { state: 'up', address: target.url, detail: null }
    : { state: 'down', address: target.url, detail: problem };
}
