import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { wasiNodeFlags } from '../../source/core/node-support.js';
import { bearer, call, waitFor } from './http.js';

const NEBULA = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));

interface Served {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function serve(args: string[], env: Record<string, string> = {}): Served {
  const child = spawn(process.execPath, [...wasiNodeFlags(), NEBULA, 'serve', ...args], {
    env: { ...process.env, NEBULA_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stderr: () => stderr, exited };
}

/** The URL from the gateway's first line on stdout. */
async function address(served: Served): Promise<string> {
  let out = '';
  for await (const chunk of served.child.stdout ?? []) {
    out += chunk;
    const match = /nebula gateway on (http:\/\/\S+)/.exec(out);
    if (match?.[1]) return match[1];
  }
  throw new Error(`serve printed no address; stderr: ${served.stderr()}`);
}

describe('nebula serve', { timeout: 60_000 }, () => {
  it('refuses to bind beyond loopback without a token, and says how to fix it', async () => {
    const served = serve(['--host', '0.0.0.0', '--port', '0']);
    assert.equal(await served.exited, 2);
    assert.match(
      served.stderr(),
      /binding to 0\.0\.0\.0 opens the gateway.*--token-file FILE or set NEBULA_TOKEN/,
    );
  });

  it('refuses bad numbers', async () => {
    const served = serve(['--max-queue', 'many']);
    assert.equal(await served.exited, 2);
    assert.match(served.stderr(), /--max-queue must be a whole number from 0 to 10000, got "many"/);
  });

  it('serves with a token from NEBULA_TOKEN and stops on SIGTERM after answering in-flight work', async () => {
    const served = serve(['--port', '0', '--max-concurrency', '1'], { NEBULA_TOKEN: 'env-token' });
    try {
      const url = await address(served);
      assert.equal((await call(`${url}/functions`)).status, 401);
      const ok = await call(`${url}/functions/hello/invoke?runtime=wasm-p1`, {
        method: 'POST',
        headers: bearer('env-token'),
      });
      assert.equal(ok.json.ok, true, ok.text);
      // A loop holds the only slot until its 2 s timeout; SIGTERM arrives meanwhile.
      const inFlight = call(`${url}/functions/faulty/invoke?runtime=wasm-p1`, {
        method: 'POST',
        headers: bearer('env-token'),
        body: 'loop',
      });
      await waitFor(
        async () => (await call(`${url}/health`)).json.inFlight === 1,
        'the loop to run',
      );
      served.child.kill('SIGTERM');
      const answer = await inFlight;
      assert.equal(answer.status, 200);
      assert.equal(answer.json.failure, 'timeout');
      // Stopped cleanly, with the shell's code for SIGTERM.
      assert.equal(await served.exited, 143);
      assert.match(served.stderr(), /stopping.*\n.*stopped/);
    } finally {
      served.child.kill('SIGKILL');
    }
  });
});
