/**
 * The yardstick for `nebula serve`: the least an HTTP server can do to run a preview1 module
 * per request off its event loop. node:http, a fixed set of worker threads (as the gateway's
 * Wasm runtime has), each running the module once per request on Node's WASI
 * (bare-preview1.ts) and one request at a time; requests beyond the workers wait in arrival
 * order. No authentication, timing, session log, timeouts or events: what the gateway does
 * on top of this is what the two figures differ by.
 * Usage: node --no-turbo-fast-api-calls dist/source/benchmarks/bare-gateway.js <module.wasm> [--workers 4]
 * (the flag on Node 20 and 22, as for every node:wasi host: core/node-support.ts)
 * Prints "bare gateway on http://127.0.0.1:PORT" once it listens.
 */
import { createServer, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { workers: { type: 'string', default: '4' } },
});
const modulePath = positionals[0];
if (!modulePath) throw new Error('usage: bare-gateway.js <module.wasm> [--workers N]');

const WORKER_URL = new URL('./bare-gateway-worker.js', import.meta.url);
const idle: Worker[] = [];
const waiting: Array<{ input: string; res: ServerResponse }> = [];
const answering = new Map<Worker, ServerResponse>();

function send(worker: Worker, input: string, res: ServerResponse): void {
  answering.set(worker, res);
  worker.postMessage(input);
}

for (let i = 0; i < Number(values.workers); i++) {
  const worker = new Worker(WORKER_URL, { workerData: modulePath });
  worker.on('message', (stdout: string) => {
    const res = answering.get(worker) as ServerResponse;
    answering.delete(worker);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ stdout }));
    const next = waiting.shift();
    if (next) send(worker, next.input, next.res);
    else idle.push(worker);
  });
  worker.on('error', (error) => {
    process.stderr.write(`bare gateway: a worker failed: ${error.message}\n`);
    process.exit(1);
  });
  idle.push(worker);
}

const server = createServer((req, res) => {
  let input = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (input += chunk));
  req.on('end', () => {
    const worker = idle.pop();
    if (worker) send(worker, input, res);
    else waiting.push({ input, res });
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') {
    process.stdout.write(`bare gateway on http://127.0.0.1:${address.port}\n`);
  }
});
process.on('SIGTERM', () => process.exit(0));
