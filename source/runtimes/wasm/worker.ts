/** The Wasm worker: runs one job at a time; the host terminates it to stop an endless loop. */
import './quiet-wasi-warning.js';
import { parentPort, workerData } from 'node:worker_threads';
import { loadGlue, runComponent } from './component-exec.js';
import { runPreview1 } from './preview1-exec.js';
import type { FromWorker, ToWorker, WasmJobResult, WorkerData } from './protocol.js';

if (!parentPort) throw new Error('worker.js runs only as a worker thread');
const port = parentPort;
const send = (message: FromWorker) => port.postMessage(message);

port.on('message', async (message: ToWorker) => {
  if (message.type === 'load') {
    await loadGlue(message.path);
    send({ type: 'loaded', path: message.path });
    return;
  }
  const { job } = message;
  let result: WasmJobResult;
  try {
    result = job.kind === 'component' ? await runComponent(job) : runPreview1(job);
  } catch (error) {
    result = {
      id: job.id,
      stdout: '',
      stderr: '',
      exitCode: null,
      failure: 'trap',
      failureMessage: (error as Error).message,
    };
  }
  send({ type: 'result', result });
});

// Glue is JS code, loaded once per worker like the runtime itself; cold compiles the Wasm.
await Promise.all((workerData as WorkerData).preload.map(loadGlue));
send({ type: 'ready' });
