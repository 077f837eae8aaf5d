/**
 * What the console's power figures need around it: a power reading taken headless (`nebula
 * power`) for the idle baseline, and a simulated plug (a private mosquitto on a free port,
 * fed by `nebula plug-sim`) that the console and `nebula power` both read.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../core/free-port.js';
import { NEBULA, NODE_FLAGS } from './console-process.js';

const run = promisify(execFile);
const MOSQUITTO = join(dirname(fileURLToPath(import.meta.url)), '../../../scripts/mosquitto.sh');

/** Mean watts the profile's power source reads over `seconds`, headless. */
export async function idleWatts(
  profilePath: string,
  seconds: number,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    [
      ...NODE_FLAGS,
      NEBULA,
      'power',
      '--profile',
      profilePath,
      '--duration',
      String(seconds),
      '--json',
    ],
    { env },
  );
  const summary = JSON.parse(stdout) as { meanWatts: number | null; reason: string | null };
  if (summary.meanWatts === null) throw new Error(`no power reading: ${summary.reason}`);
  return summary.meanWatts;
}

export interface SimulatedPlug {
  broker: string;
  topic: string;
  stop: () => Promise<void>;
}

/** A private broker and `nebula plug-sim` publishing Tasmota readings once a second. */
export async function startSimulatedPlug(env: NodeJS.ProcessEnv): Promise<SimulatedPlug> {
  const port = await freePort();
  execFileSync('bash', [MOSQUITTO, 'start', String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const broker = `mqtt://127.0.0.1:${port}`;
  const topic = 'nebula-bench';
  const sim: ChildProcess = spawn(
    process.execPath,
    [
      ...NODE_FLAGS,
      NEBULA,
      'plug-sim',
      '--broker',
      broker,
      '--format',
      'tasmota',
      '--topic',
      topic,
    ],
    { env, stdio: 'ignore' },
  );
  const simExited = new Promise<void>((resolve) => sim.on('exit', () => resolve()));
  return {
    broker,
    topic,
    async stop() {
      sim.kill('SIGTERM');
      await simExited;
      execFileSync('bash', [MOSQUITTO, 'stop', String(port)], { stdio: 'ignore' });
    },
  };
}
