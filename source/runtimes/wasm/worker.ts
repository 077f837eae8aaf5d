/** The Wasm worker: runs one job at a time; the host terminates it to stop an endless loop. */
import './quiet-wasi-warning.js';
import { getHeapStatistics } from 'node:v8';
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { loadGlue, runComponent, runComponentNow } from './component-exec.js';
import { recycleMemories } from './memory-pool.js';
import { runPreview1 } from './preview1-exec.js';
import {
  type FromWorker,
  HANDOFF,
  type ToWorker,
  type WasmJob,
  type WasmJobResult,
  type WorkerData,
} from './protocol.js';

const { preload, port, handoff, handOff } = workerData as WorkerData;
const flags = new Int32Array(handoff);

function send(message: FromWorker, wakeHost: boolean): void {
  (port as MessagePort).postMessage(message);
  if (wakeHost && handOff) {
    Atomics.store(flags, HANDOFF.toHost, 1);
    Atomics.notify(flags, HANDOFF.toHost);
  }
}

function failed(job: WasmJob, error: unknown): WasmJobResult {
  const failureMessage = (error as Error)?.message ?? String(error);
  return { id: job.id, stdout: '', stderr: '', exitCode: null, failure: 'trap', failureMessage };
}

/** This worker's V8 heap in use plus its external memory (array buffers, Wasm memories). */
function heapBytes(): number {
  const heap = getHeapStatistics() as ReturnType<typeof getHeapStatistics> & {
    external_memory?: number;
  };
  return heap.used_heap_size + (heap.external_memory ?? 0);
}

function withGrowth(result: WasmJobResult, before: number): WasmJobResult {
  return { ...result, workerGrowthBytes: Math.max(0, heapBytes() - before) };
}

/** Runs the job on this turn when nothing in it has to wait; undefined otherwise. */
function runNow(job: WasmJob): WasmJobResult | undefined {
  const before = heapBytes();
  let result: WasmJobResult | undefined;
  try {
    result = job.kind === 'component' ? runComponentNow(job) : runPreview1(job);
  } catch (error) {
    result = failed(job, error);
  }
  return result && withGrowth(result, before);
}

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'load') {
    await loadGlue(message);
    send({ type: 'loaded', path: message.path, revision: message.revision }, false);
    return;
  }
  const { job } = message;
  let result = runNow(job);
  if (!result) {
    const before = heapBytes();
    try {
      result = job.kind === 'component' ? await runComponent(job) : runPreview1(job);
    } catch (error) {
      result = failed(job, error);
    }
    result = withGrowth(result, before);
  }
  deliver(result);
}

/** Posts the result, then pools the memories the job leased, while the host reads it. */
function deliver(result: WasmJobResult): void {
  send({ type: 'result', result }, true);
  recycleMemories();
}

/** After a job, take the next ones straight from the port while they keep coming. */
function handOffLoop(): void {
  if (!handOff) return;
  for (;;) {
    Atomics.wait(flags, HANDOFF.toWorker, 0, HANDOFF.workerWindowMs);
    if (Atomics.exchange(flags, HANDOFF.toWorker, 0) === 0) return;
    const received = receiveMessageOnPort(port as MessagePort);
    if (!received) return;
    const message = received.message as ToWorker;
    const result = message.type === 'job' ? runNow(message.job) : undefined;
    if (!result) {
      void handle(message).then(handOffLoop);
      return;
    }
    deliver(result);
  }
}

(port as MessagePort).on('message', (message: ToWorker) => {
  Atomics.store(flags, HANDOFF.toWorker, 0);
  void handle(message).then(handOffLoop);
});

// Glue is JS code, loaded once per worker like the runtime itself; cold compiles the Wasm.
await Promise.all(preload.map((glue) => loadGlue(glue)));
send({ type: 'ready' }, false);
