/**
 * What handing a job to a worker thread and its answer back costs on this machine when the
 * job itself costs nothing: the least any warm run on a Wasm worker can take. It is the same
 * hand-off as the Wasm worker pool's (a message on a port, then a shared flag and a futex wake
 * each way: runtimes/wasm/protocol.ts), timed from posting to having the answer. On a virtual
 * machine, waking a sleeping thread costs tens of microseconds each way, more than a warm
 * `hello` computes: wasm-bench prints it beside the bare script to show what is left of the
 * difference once the thread hop is counted.
 * Alone: node dist/source/benchmarks/handoff-floor.js [n] (e.g. under `taskset -c 0`, both threads
 * on one CPU, to see what the wake-up across CPUs costs).
 */
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { median, quantile, sortAscending } from '../core/stats.js';
import { HANDOFF } from '../runtimes/wasm/protocol.js';

export interface HandoffFloor {
  n: number;
  p50Ms: number;
  p99Ms: number;
}

const ECHO_URL = new URL('./handoff-echo.js', import.meta.url);

/** `n` round trips (after `warmup` untimed ones), one at a time, as a pool of one runs jobs. */
export async function handoffFloor(n: number, warmup = 500): Promise<HandoffFloor> {
  const { port1, port2 } = new MessageChannel();
  const handoff = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const flags = new Int32Array(handoff);
  const worker = new Worker(ECHO_URL, {
    workerData: { port: port2, handoff },
    transferList: [port2],
    execArgv: [],
  });
  let failure = '';
  worker.on('error', (error) => {
    failure = `: ${error.message}`;
  });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  await new Promise((resolve) => worker.once('online', resolve));
  const job = { id: 0, kind: 'preview1', path: '', name: 'hello', input: '', cold: false };
  const times: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const start = process.hrtime.bigint();
    port1.postMessage({ ...job, id: i });
    Atomics.store(flags, HANDOFF.toWorker, 1);
    Atomics.notify(flags, HANDOFF.toWorker);
    while (!receiveMessageOnPort(port1)) {
      if (Atomics.wait(flags, HANDOFF.toHost, 0, 1000) === 'timed-out') {
        await worker.terminate();
        throw new Error(`the hand-off echo worker stopped answering${failure}`);
      }
      Atomics.store(flags, HANDOFF.toHost, 0);
    }
    Atomics.store(flags, HANDOFF.toHost, 0);
    if (i >= warmup) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  port1.close();
  await exited;
  const sorted = sortAscending(times);
  return {
    n,
    p50Ms: median(sorted) ?? Number.NaN,
    p99Ms: quantile(sorted, 0.99) ?? Number.NaN,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await handoffFloor(Number(process.argv[2] ?? 10000))));
}
