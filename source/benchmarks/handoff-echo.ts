/**
 * The echo worker of handoff-floor.ts: answers each message at once, through the same port and
 * shared flags as the Wasm worker (runtimes/wasm/worker.ts), and runs nothing in between.
 */
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { HANDOFF } from '../runtimes/wasm/protocol.js';

const { port, handoff } = workerData as { port: MessagePort; handoff: SharedArrayBuffer };
const flags = new Int32Array(handoff);
/** Long enough to wait out the host's start-up; the worker ends once the host stops asking. */
const WINDOW_MS = 1000;

for (;;) {
  if (Atomics.wait(flags, HANDOFF.toWorker, 0, WINDOW_MS) === 'timed-out') break;
  Atomics.store(flags, HANDOFF.toWorker, 0);
  const received = receiveMessageOnPort(port);
  if (!received) continue;
  const { id } = received.message as { id: number };
  port.postMessage({ id, stdout: '', stderr: '', exitCode: 0 });
  Atomics.store(flags, HANDOFF.toHost, 1);
  Atomics.notify(flags, HANDOFF.toHost);
}
port.close();
