import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerOptions } from 'dockerode';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

/** Where the engine address came from, so an error can say what to change. */
export type AddressSource = 'profile' | 'DOCKER_HOST' | 'default';

export interface EngineAddress {
  /** As a person would write it: unix:///path, tcp://host:port, ssh://user@host. */
  url: string;
  source: AddressSource;
  options: DockerOptions;
}

export class AddressError extends Error {
  override name = 'AddressError';
}

/** Profile docker.host, else DOCKER_HOST, else the default socket. */
export function resolveAddress(profileHost?: string, env = process.env): EngineAddress {
  if (profileHost) return parseAddress(profileHost, 'profile');
  if (env.DOCKER_HOST) return parseAddress(env.DOCKER_HOST, 'DOCKER_HOST', env);
  return parseAddress(`unix://${DEFAULT_SOCKET}`, 'default', env);
}

/**
 * Every key is set, even to undefined: dockerode merges what we pass over what it reads
 * from DOCKER_HOST itself, and a leftover `host` would win over our `socketPath`.
 */
export function parseAddress(
  text: string,
  source: AddressSource,
  env = process.env,
): EngineAddress {
  const raw = text.trim();
  const base = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: undefined,
    username: undefined,
  };
  if (raw.startsWith('/')) return parseAddress(`unix://${raw}`, source, env);
  if (raw.startsWith('unix://')) {
    const socketPath = raw.slice('unix://'.length);
    if (!socketPath.startsWith('/')) {
      throw new AddressError(
        `${describe(raw, source)}: a unix address needs an absolute path, like unix:///var/run/docker.sock`,
      );
    }
    return { url: raw, source, options: { ...base, socketPath } as DockerOptions };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AddressError(`${describe(raw, source)}: ${USAGE}`);
  }
  const port = url.port ? Number(url.port) : undefined;
  switch (url.protocol) {
    case 'tcp:':
    case 'http:':
    case 'https:': {
      const tls = url.protocol === 'https:' || env.DOCKER_TLS_VERIFY === '1' || port === 2376;
      if (!url.hostname)
        throw new AddressError(`${describe(raw, source)}: missing host name; ${USAGE}`);
      const options: DockerOptions = {
        ...base,
        host: url.hostname,
        port: port ?? (tls ? 2376 : 2375),
        protocol: tls ? 'https' : 'http',
      };
      if (tls && env.DOCKER_CERT_PATH) Object.assign(options, readCerts(env.DOCKER_CERT_PATH));
      return { url: raw, source, options };
    }
    case 'ssh:': {
      if (!url.hostname)
        throw new AddressError(`${describe(raw, source)}: missing host name; ${USAGE}`);
      const options = {
        ...base,
        host: url.hostname,
        port: port ?? 22,
        protocol: 'ssh',
        username: url.username ? decodeURIComponent(url.username) : undefined,
        sshOptions: { agent: env.SSH_AUTH_SOCK },
      } as DockerOptions;
      return { url: raw, source, options };
    }
    default:
      throw new AddressError(
        `${describe(raw, source)}: unsupported scheme "${url.protocol}"; ${USAGE}`,
      );
  }
}

const USAGE = 'use unix:///path/to/docker.sock, tcp://host:2375 or ssh://user@host';

function describe(raw: string, source: AddressSource): string {
  const from =
    source === 'profile'
      ? "the profile's docker.host"
      : source === 'DOCKER_HOST'
        ? 'DOCKER_HOST'
        : 'the default';
  return `bad Docker engine address "${raw}" (from ${from})`;
}

function readCerts(dir: string): Pick<DockerOptions, 'ca' | 'cert' | 'key'> {
  try {
    return {
      ca: readFileSync(join(dir, 'ca.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
      key: readFileSync(join(dir, 'key.pem')),
    };
  } catch (error) {
    throw new AddressError(
      `DOCKER_CERT_PATH=${dir}: cannot read ca.pem, cert.pem and key.pem (${(error as Error).message})`,
    );
  }
}

/** The advice printed with every "cannot reach the engine" error. */
export function reachHint(address: EngineAddress): string {
  const change =
    address.source === 'profile'
      ? 'fix docker.host in the profile'
      : address.source === 'DOCKER_HOST'
        ? 'fix DOCKER_HOST'
        : "set DOCKER_HOST (or the profile's docker.host)";
  return `start an engine with \`bash scripts/dockerd.sh start\` and use the DOCKER_HOST it prints, or ${change}`;
}
