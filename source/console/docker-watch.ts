/**
 * Is the Docker engine there? Followed over its socket or port, so the status bar can say so
 * without loading dockerode or creating containers. Addresses it cannot follow this way (ssh,
 * TLS) are left to the container runtime, which says when it cannot connect.
 */
import { type ClientRequest, request } from 'node:http';
import { AddressError, resolveAddress } from '../runtimes/container/address.js';
import type { ServiceStatus } from './state.js';

type Where = { socketPath?: string; host?: string; port?: number };

export interface DockerTarget {
  url: string;
  /** Where to open the event stream; null for ssh and TLS addresses. */
  where: Where | null;
}

/** The address the container runtime will use, and how to reach it; throws AddressError. */
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
    return { url: address.url, where: { socketPath } };
  }
  if (options.protocol === 'http' && options.host) {
    const { host, port } = options;
    return { url: address.url, where: { host, port } };
  }
  return { url: address.url, where: null };
}

export interface DockerWatch {
  stop: () => void;
}

export interface WatchOptions {
  /** How long to wait before asking again while the engine is down. */
  retryMs?: number;
}

/**
 * The engine's state, pushed instead of polled: while the engine is up, one GET /events
 * stream stays open (filtered to daemon events, which hardly ever come), and its end says the
 * engine went away. Only while it is down is it asked again, every retryMs. `onStatus` is
 * called on every change of state, first once the first answer is in.
 */
export function watchDocker(
  profileHost: string | undefined,
  onStatus: (status: ServiceStatus) => void,
  options: WatchOptions = {},
): DockerWatch {
  const retryMs = options.retryMs ?? 5000;
  let target: DockerTarget;
  try {
    target = dockerTarget(profileHost);
  } catch (error) {
    if (!(error instanceof AddressError)) throw error;
    onStatus({ state: 'down', address: '?', detail: error.message });
    return { stop: () => undefined };
  }
  const { url, where } = target;
  if (!where) {
    onStatus({ state: 'checking', address: url, detail: 'checked on first use' });
    return { stop: () => undefined };
  }
  let stopped = false;
  let current: ClientRequest | null = null;
  let retry: NodeJS.Timeout | undefined;
  const down = (detail: string) => {
    current = null;
    if (stopped) return;
    onStatus({ state: 'down', address: url, detail });
    retry = setTimeout(open, retryMs);
    retry.unref();
  };
  const open = () => {
    let answered = false;
    const filters = encodeURIComponent(JSON.stringify({ type: ['daemon'] }));
    const req = request({ ...where, path: `/events?filters=${filters}`, method: 'GET' }, (res) => {
      answered = true;
      req.setTimeout(0);
      if (res.statusCode !== 200) {
        res.resume();
        down(`answered ${res.statusCode}`);
        return;
      }
      onStatus({ state: 'up', address: url, detail: null });
      res.resume();
      res.on('close', () => down('the engine closed its event stream'));
    });
    current = req;
    // Only the answer is timed: the stream itself is quiet by design.
    req.setTimeout(1500, () => req.destroy(new Error('no answer within 1.5 s')));
    req.on('error', (error) => {
      if (!answered) down((error as NodeJS.ErrnoException).code ?? error.message);
    });
    req.end();
  };
  open();
  return {
    stop() {
      stopped = true;
      clearTimeout(retry);
      current?.destroy();
      current = null;
    },
  };
}
