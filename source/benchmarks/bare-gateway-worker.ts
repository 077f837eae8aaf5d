/** A worker of bare-gateway.ts: runs the module once per message and answers its stdout. */
import '../runtimes/wasm/quiet-wasi-warning.js';
import { parentPort, workerData } from 'node:worker_threads';
import { barePreview1 } from './bare-preview1.js';

const run = barePreview1(workerData as string);
parentPort?.on('message', (input: string) => parentPort?.postMessage(run(input)));
