/**
 * A second Nebula on loopback standing in for the VM: `nebula serve` in its own process, with
 * its own logs folder, its own functions folder (two functions, Wasm not yet deployed) and
 * its own power source, a simulated Tasmota plug (`nebula plug-sim`) through a real
 * mosquitto. The client side gets a profiles folder with `local` and a gateway profile `vm`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSessionLog } from '../../source/session/read-log.js';
import { TestBroker } from '../power/broker.js';

export const NEBULA = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
const FUNCTIONS = fileURLToPath(new URL('../../../functions', import.meta.url));
/** The VM's functions: fewer than this repository has, so a listing shows whose it is. */
export const VM_FUNCTIONS = ['fibonacci-recursive', 'hello'];
export const PLUG_TOPIC = 'vm-plug';
export const PLUG_PERIOD_MS = 250;

export interface Vm {
  url: string;
  root: string;
  /** The server's session logs. */
  logsDir: string;
  /** The client's profiles: `local` (this process) and `vm` (the gateway). */
  profilesDir: string;
  /** The client's session logs. */
  clientLogsDir: string;
  serverLogs(): string[];
  clientLogs(): string[];
  stderr(): string;
  stop(): Promise<void>;
}

function copyFunctions(into: string): void {
  for (const name of VM_FUNCTIONS) {
    const from = join(FUNCTIONS, name);
    const to = join(into, name);
    mkdirSync(join(to, 'build'), { recursive: true });
    for (const file of ['function.json', 'Cargo.toml']) cpSync(join(from, file), join(to, file));
    cpSync(join(from, 'src'), join(to, 'src'), { recursive: true });
    for (const file of readdirSync(join(from, 'build'))) {
      // The transpiled component (build/jco) is what deploy makes: left out on purpose.
      if (file !== 'jco') cpSync(join(from, 'build', file), join(to, 'build', file));
    }
  }
}

function spawnNebula(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--no-turbo-fast-api-calls', NEBULA, ...args], {
    env: { ...process.env, NEBULA_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

export async function startVm(options: { token?: string } = {}): Promise<Vm> {
  const root = mkdtempSync(join(tmpdir(), 'nebula-vm-'));
  const functionsDir = join(root, 'vm-functions');
  const logsDir = join(root, 'vm-logs');
  const profilesDir = join(root, 'profiles');
  const clientLogsDir = join(root, 'client-logs');
  for (const dir of [functionsDir, logsDir, profilesDir, clientLogsDir]) mkdirSync(dir);
  copyFunctions(functionsDir);
  const broker = await TestBroker.start();
  const plug = spawnNebula(
    [
      'plug-sim',
      '--broker',
      broker.url,
      '--format',
      'tasmota',
      '--topic',
      PLUG_TOPIC,
      '--period-ms',
      String(PLUG_PERIOD_MS),
      '--quiet',
    ],
    {},
  );
  plug.on('error', () => undefined);
  const serverProfile = join(root, 'vm-server.json');
  writeFileSync(
    serverProfile,
    JSON.stringify({
      name: 'vm-server',
      label: 'loopback VM',
      power: {
        source: 'mqtt',
        broker: broker.url,
        topic: PLUG_TOPIC,
        format: 'tasmota',
        simulated: true,
      },
    }),
  );
  const serveArgs = ['serve', '--port', '0', '--profile', serverProfile];
  const server = spawnNebula(serveArgs, {
    NEBULA_LOGS_DIR: logsDir,
    NEBULA_FUNCTIONS_DIR: functionsDir,
    ...(options.token ? { NEBULA_TOKEN: options.token } : {}),
  });
  let stderr = '';
  server.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /nebula gateway on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    server.once('exit', (code) => reject(new Error(`nebula serve exited ${code}: ${stderr}`)));
  });
  const experiment = {
    repetitions: 3,
    warmup: 0,
    pauseMs: 0,
    baselineSeconds: 1,
    blocks: 1,
    blockSeconds: 1.5,
  };
  writeFileSync(
    join(profilesDir, 'local.json'),
    JSON.stringify({
      name: 'local',
      label: 'this machine',
      power: { source: 'estimate', idleWatts: 2, fullWatts: 5 },
      experiment,
    }),
  );
  writeFileSync(
    join(profilesDir, 'vm.json'),
    JSON.stringify({
      name: 'vm',
      label: 'loopback VM through its gateway',
      target: { kind: 'gateway', url, ...(options.token ? { token: options.token } : {}) },
      // The client's own power section: never what a gateway profile measures with.
      power: { source: 'estimate', idleWatts: 2, fullWatts: 5 },
      experiment,
    }),
  );
  const list = (dir: string) => () =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort()
      .map((f) => join(dir, f));
  return {
    url,
    root,
    logsDir,
    profilesDir,
    clientLogsDir,
    serverLogs: list(logsDir),
    clientLogs: list(clientLogsDir),
    stderr: () => stderr,
    async stop() {
      await stopChild(server);
      await stopChild(plug);
      await broker.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function readRecords(path: string): Array<Record<string, unknown> & { type: string }> {
  return parseSessionLog(readFileSync(path, 'utf8'), path).records as Array<
    Record<string, unknown> & { type: string }
  >;
}
