/**
 * `nebula power` on a Modbus meter that misbehaves while keeping its connection open: one
 * that never answers, one that answers garbage, one that answers every request with a
 * Modbus exception, and the simulator stopped with SIGSTOP. Each time the command prints its
 * summary at the end of --duration and exits by itself (1: no reading), instead of staying
 * alive on a socket the meter never closes. The 60 s limit only catches a hang.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from './broker.js';

const NEBULA = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
const HANG_MS = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'nebula-meters-'));
const servers: Server[] = [];
const sockets: Socket[] = [];
after(() => {
  for (const socket of sockets) socket.destroy();
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A TCP server that keeps every connection open and answers each request with `answer`. */
async function meter(answer: (request: Buffer) => Buffer | null): Promise<number> {
  // allowHalfOpen: the meter never closes its side, whatever the client does with its own.
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.on('data', (request) => {
      const reply = answer(request);
      if (reply) socket.write(reply);
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

/** Runs `nebula power` for 1 s against the port; its exit code and output, or a hang. */
async function power(port: number): Promise<{ code: number | null; stdout: string }> {
  const profile = join(dir, `meter-${port}.json`);
  writeFileSync(
    profile,
    JSON.stringify({
      name: 'meter',
      label: 'a meter that misbehaves',
      power: { source: 'modbus', host: '127.0.0.1', port, pollHz: 10, timeoutMs: 100 },
    }),
  );
  const child = spawn(
    process.execPath,
    [NEBULA, 'power', '--profile', profile, '--duration', '1', '--json'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  const hang = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearTimeout(hang);
  assert.equal(signal, null, `nebula power did not exit by itself within ${HANG_MS} ms`);
  return { code, stdout };
}

/** A Modbus TCP exception answer (function | 0x80, code 2) to the request's transaction. */
function exception(request: Buffer): Buffer | null {
  if (request.length < 8) return null;
  const reply = Buffer.alloc(9);
  request.copy(reply, 0, 0, 4); // transaction and protocol id
  reply.writeUInt16BE(3, 4);
  reply[6] = request[6] as number;
  reply[7] = ((request[7] as number) | 0x80) & 0xff;
  reply[8] = 2;
  return reply;
}

describe('nebula power against a meter that keeps its connection open', {
  timeout: 180_000,
}, () => {
  it('exits after --duration when the meter never answers, answers garbage or exceptions', async () => {
    const ports = await Promise.all([
      meter(() => null),
      meter(() => Buffer.from('\x00\x01garbage that is not Modbus\xff\xfe')),
      meter(exception),
    ]);
    const results = await Promise.all(ports.map(power));
    for (const { code, stdout } of results) {
      assert.equal(code, 1, 'no reading: exit code 1');
      assert.equal(JSON.parse(stdout).samples, 0);
    }
  });

  it('exits after --duration when the simulator is stopped with SIGSTOP', async () => {
    const port = await freePort();
    const sim: ChildProcess = spawn(
      process.execPath,
      [NEBULA, 'plug-sim', '--format', 'modbus', '--port', String(port), '--quiet'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    sim.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    try {
      await waitFor(() => stderr.includes('SIMULATED Gude'), 30_000, 'plug-sim to listen');
      sim.kill('SIGSTOP');
      const { code } = await power(port);
      assert.equal(code, 1);
    } finally {
      sim.kill('SIGCONT');
      sim.kill('SIGKILL');
    }
  });
});
