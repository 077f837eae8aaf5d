/** A real mosquitto per test file, on a free loopback port, through scripts/mosquitto.sh. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../../source/core/free-port.js';

const run = promisify(execFile);
// dist/test/power/ -> repository root
const SCRIPT = fileURLToPath(new URL('../../../scripts/mosquitto.sh', import.meta.url));

export { freePort };

export class TestBroker {
  pid = 0;

  private constructor(readonly port: number) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<TestBroker> {
    const broker = await TestBroker.reserve();
    await broker.restart();
    return broker;
  }

  /** A free port with no broker on it yet: for "the broker is down at start". */
  static async reserve(): Promise<TestBroker> {
    return new TestBroker(await freePort());
  }

  /** Starts (again) on the same port. */
  async restart(): Promise<void> {
    const { stdout } = await run('bash', [SCRIPT, 'start', String(this.port)]);
    this.pid = Number(stdout.trim());
  }

  /** Like a crash: SIGKILL, then wait until the process is gone. */
  async kill(): Promise<void> {
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      return;
    }
    await waitFor(() => !alive(this.pid), 5000, 'mosquitto to die');
  }

  async stop(): Promise<void> {
    await run('bash', [SCRIPT, 'stop', String(this.port)]);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until the predicate holds; fails with what it waited for. */
export async function waitFor(
  predicate: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
