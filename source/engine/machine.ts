/**
 * What a machine is, as the console and reports show it: CPU, memory, kernel, architecture,
 * the container engine and Node. The same description for this process and for a gateway's.
 */
import { request } from 'node:http';
import { arch, cpus, hostname, machine, platform, release, totalmem } from 'node:os';
import { processEmulation } from '../core/emulation.js';
import { nebulaVersion } from '../core/version.js';
import { resolveAddress } from '../runtimes/container/address.js';

export interface MachineDescription {
  hostname: string;
  /** Nebula's own version (package.json) and the gateway protocol it speaks. */
  nebula: string;
  cpu: { model: string; cores: number };
  memoryBytes: number;
  os: string;
  kernel: string;
  /** The architecture uname -m gives (under qemu-user, the emulated one), e.g. x86_64. */
  arch: string;
  node: { version: string; arch: string };
  /** True when Node runs under an emulator (qemu-user): its timings are not performance figures. */
  emulated: boolean;
  /** How, when emulated ("arm64 Node under qemu-user through binfmt_misc on a x64 CPU"). */
  emulation: string | null;
  /** The Docker engine, or why it could not be asked. */
  engine: { version: string; arch: string; address: string } | { error: string; address: string };
}

export async function describeMachine(dockerHost?: string): Promise<MachineDescription> {
  const cores = cpus();
  const emulation = processEmulation();
  return {
    hostname: hostname(),
    nebula: nebulaVersion(),
    cpu: { model: cores[0]?.model.trim() ?? 'unknown', cores: cores.length },
    memoryBytes: totalmem(),
    os: platform(),
    kernel: release(),
    arch: machine(),
    node: { version: process.version, arch: arch() },
    emulated: emulation !== null,
    emulation,
    engine: await dockerVersion(dockerHost),
  };
}

/** GET /version of the Docker engine; an error text instead of a throw. */
async function dockerVersion(dockerHost?: string): Promise<MachineDescription['engine']> {
  let address: ReturnType<typeof resolveAddress>;
  try {
    address = resolveAddress(dockerHost);
  } catch (error) {
    return { error: (error as Error).message, address: dockerHost ?? 'default' };
  }
  const options = address.options as { socketPath?: string; host?: string; port?: number };
  if (!options.socketPath && !options.host) {
    return { error: 'not asked (ssh or TLS address)', address: address.url };
  }
  return new Promise((resolve) => {
    const req = request(
      { socketPath: options.socketPath, host: options.host, port: options.port, path: '/version' },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
              Version?: string;
              Arch?: string;
            };
            resolve({
              version: body.Version ?? 'unknown',
              arch: body.Arch ?? 'unknown',
              address: address.url,
            });
          } catch {
            resolve({ error: `answered ${res.statusCode} without JSON`, address: address.url });
          }
        });
      },
    );
    req.setTimeout(2000, () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', (error) => resolve({ error: error.message, address: address.url }));
    req.end();
  });
}

/** One line for people: "host-1 x86_64, Intel Xeon (2 cores, 3.8 GiB), Linux 6.1, Node v20". */
export function machineSummary(m: MachineDescription): string {
  const gib = (m.memoryBytes / 2 ** 30).toFixed(1);
  const engine =
    'version' in m.engine ? `Docker ${m.engine.version}/${m.engine.arch}` : 'no Docker';
  const emulated = m.emulated ? ' EMULATED' : '';
  return `${m.hostname} ${m.arch}${emulated}, ${m.cpu.model} (${m.cpu.cores} cores, ${gib} GiB), ${m.os} ${m.kernel}, Node ${m.node.version}/${m.node.arch}, ${engine}, Nebula ${m.nebula}`;
}
