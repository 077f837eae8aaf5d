/**
 * Warm `hello` through `nebula serve` over keep-alive connections, measured by autocannon,
 * beside two yardsticks in the same run: GET /health (the gateway's own ceiling, invoking
 * nothing) and bare-gateway.ts (the least server that runs the same module off its event
 * loop: node:http and node:wasi on as many workers). Each server runs in its own process (as
 * in production) so the load tool does not share its event loop. Targets: at least 8,000
 * req/s on `wasm-p1` and 7,000 on `wasm`, p99 at most 10 ms, every request answered 2xx.
 * Usage: node dist/source/benchmarks/gateway-bench.js [--runtimes wasm,wasm-p1] [--connections 16]
 *        [--duration 10] [--warmup 3] [--function hello] [--max-concurrency 4] [--json] [--check]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCatalog } from '../catalog/catalog.js';
import { wasiNodeFlags } from '../core/node-support.js';
import { cpuSeconds } from './console-process.js';
import { finishTargets, recordTarget } from './targets.js';

/** The part of autocannon's result read here (it ships no types). */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; p97_5: number; max: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const { values } = parseArgs({
  options: {
    runtimes: { type: 'string', default: 'wasm,wasm-p1' },
    connections: { type: 'string', default: '16' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    function: { type: 'string', default: 'hello' },
    input: { type: 'string', default: '' },
    'max-concurrency': { type: 'string', default: '4' },
    json: { type: 'boolean', default: false },
    'event-readers': { type: 'string', default: '1' },
    check: { type: 'boolean', default: false },
  },
});
const connections = Number(values.connections);
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const token = randomBytes(16).toString('hex');
const headers = { authorization: `Bearer ${token}`, 'content-type': 'text/plain' };

const NEBULA = fileURLToPath(new URL('../cli/nebula.js', import.meta.url));
const BARE = fileURLToPath(new URL('./bare-gateway.js', import.meta.url));

/** A server in a process of its own (as in production), so the load tool never shares its loop. */
interface Served {
  process: ChildProcess;
  exited: Promise<unknown>;
  url: Promise<string>;
}

function serve(script: string, args: string[], env: NodeJS.ProcessEnv): Served {
  const child = spawn(process.execPath, [...wasiNodeFlags(), script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Never rejects (a failed spawn ends it too), so it can wait until the server is stopped.
  const exited = new Promise((resolve) => {
    child.once('exit', resolve);
    child.once('error', resolve);
  });
  return { process: child, exited, url: listeningAt(child, script) };
}

async function listeningAt(child: ChildProcess, script: string): Promise<string> {
  let out = '';
  for await (const chunk of child.stdout as NodeJS.ReadableStream) {
    out += chunk;
    const match = / on (http:\/\/\S+)/.exec(out);
    if (match?.[1]) return match[1];
  }
  throw new Error(`${script} exited before printing its address`);
}

const maxConcurrency = values['max-concurrency'] as string;
// Looked up first: an unknown name fails here, before any server starts.
const benchedModule = loadCatalog().get(values.function as string).wasmPath;
const gateway = serve(
  NEBULA,
  [
    'serve',
    '--port',
    '0',
    '--max-concurrency',
    maxConcurrency,
    '--max-queue',
    String(connections * 4),
  ],
  { NEBULA_TOKEN: token },
);

/** The process's CPU time so far (user + system, all its threads), in ms; Linux only. */
function cpuMsOf(child: ChildProcess): number {
  try {
    return cpuSeconds(child.pid as number) * 1000;
  } catch {
    return Number.NaN;
  }
}

async function measure(
  request: Record<string, unknown>,
  served: Served = gateway,
): Promise<Measured> {
  const load = { ...request, connections, pipelining: 1 };
  if (warmup > 0) await autocannon({ ...load, duration: warmup });
  const cpuBefore = cpuMsOf(served.process);
  const result = await autocannon({ ...load, duration });
  return { ...result, serverCpuMs: cpuMsOf(served.process) - cpuBefore };
}

type Measured = AutocannonResult & { serverCpuMs: number };

/**
 * Readers of GET /events that read (and drop) every frame, opened for the length of `body`:
 * what fanning each result out to them costs the invocations.
 */
async function withEventReaders<T>(base: string, count: number, body: () => Promise<T>) {
  const readers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<IncomingMessage>((resolve, reject) => {
          httpRequest(`${base}/events`, { headers }, resolve).on('error', reject).end();
        }),
    ),
  );
  let bytes = 0;
  for (const reader of readers) reader.on('data', (chunk: Buffer) => (bytes += chunk.length));
  try {
    return { result: await body(), bytes };
  } finally {
    for (const reader of readers) reader.destroy();
  }
}

function toRow(runtime: string, measured: Measured): Row {
  return {
    runtime,
    connections,
    durationS: measured.duration,
    requests: measured.requests.total,
    reqPerS: Math.round(measured.requests.total / measured.duration),
    p50Ms: measured.latency.p50,
    p97_5Ms: measured.latency.p97_5,
    p99Ms: measured.latency.p99,
    maxMs: measured.latency.max,
    non2xx: measured.non2xx,
    errors: measured.errors + measured.timeouts,
    serverCpuUsPerRequest: Math.round((measured.serverCpuMs * 1000) / measured.requests.total),
  };
}

interface Row {
  runtime: string;
  connections: number;
  durationS: number;
  requests: number;
  reqPerS: number;
  p50Ms: number;
  p97_5Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
  /** The gateway's CPU time (all its threads) per request, in µs: what a request costs it. */
  serverCpuUsPerRequest: number;
}

/** Throughput targets per runtime (req/s), for warm `hello`. */
const THROUGHPUT_TARGET: Record<string, number> = { wasm: 7000, 'wasm-p1': 8000 };
const P99_TARGET_MS = 10;

const HEALTH_ROW = '(none: GET /health)';
const BARE_ROW = '(bare: node:http + node:wasi workers)';

/**
 * The same load on bare-gateway.ts: the same module through node:wasi on as many workers as
 * the gateway has, and nothing else. Its server runs only for its own row.
 */
async function measureBare(): Promise<Measured> {
  const bare = serve(BARE, [benchedModule, '--workers', maxConcurrency], {});
  try {
    const url = await bare.url;
    const probe = await fetch(url, { method: 'POST', body: values.input });
    if (probe.status !== 200) throw new Error(`the bare server answered ${probe.status}`);
    return await measure({ url, method: 'POST', body: values.input }, bare);
  } finally {
    bare.process.kill('SIGTERM');
    await bare.exited;
  }
}

const ratio = (row: Row, yardstick: Row) => (row.reqPerS / yardstick.reqPerS).toFixed(3);

function recordTargets(rows: Row[]): void {
  const health = rows.find((row) => row.runtime === HEALTH_ROW) as Row;
  const bare = rows.find((row) => row.runtime === BARE_ROW) as Row;
  for (const row of rows.filter((row) => row !== health && row !== bare)) {
    const target = THROUGHPUT_TARGET[row.runtime];
    if (target !== undefined) {
      recordTarget({
        name: `gateway ${row.runtime} warm ${values.function} throughput`,
        value: row.reqPerS,
        unit: 'req/s',
        kind: 'atLeast',
        limit: target,
        against: `GET /health ${health.reqPerS} req/s: ${ratio(row, health)}x; the bare node:wasi worker server ${bare.reqPerS} req/s: ${ratio(row, bare)}x`,
      });
    }
    recordTarget({
      name: `gateway ${row.runtime} warm ${values.function} p99`,
      value: row.p99Ms,
      unit: 'ms',
      kind: 'atMost',
      limit: P99_TARGET_MS,
    });
    recordTarget({
      name: `gateway ${row.runtime} requests not answered 2xx`,
      value: row.non2xx + row.errors,
      unit: 'requests',
      kind: 'atMost',
      limit: 0,
    });
  }
}

const loadAtStart = loadavg();
try {
  const base = await gateway.url;
  const rows: Row[] = [];
  // The gateway's own ceiling: the same server, the same load, a route that invokes nothing.
  rows.push(toRow(HEALTH_ROW, await measure({ url: `${base}/health`, method: 'GET' })));
  rows.push(toRow(BARE_ROW, await measureBare()));
  for (const runtime of (values.runtimes as string).split(',')) {
    const url = `${base}/functions/${values.function}/invoke?runtime=${runtime}&mode=warm`;
    // One checked call first: a benchmark of error answers would be meaningless.
    const probe = await fetch(url, { method: 'POST', headers, body: values.input });
    const result = (await probe.json()) as { ok?: boolean; error?: string };
    if (probe.status !== 200 || !result.ok) {
      throw new Error(
        `${runtime}: the gateway answered ${probe.status}: ${JSON.stringify(result)}`,
      );
    }
    rows.push(toRow(runtime, await measure({ url, method: 'POST', headers, body: values.input })));
  }
  // The same load on the last runtime with readers of the event stream: the fan-out's cost.
  const readers = Number(values['event-readers']);
  const last = (values.runtimes as string).split(',').at(-1);
  if (readers > 0 && last) {
    const url = `${base}/functions/${values.function}/invoke?runtime=${last}&mode=warm`;
    const { result } = await withEventReaders(base, readers, () =>
      measure({ url, method: 'POST', headers, body: values.input }),
    );
    rows.push(toRow(`${last} + ${readers} /events reader(s)`, result));
  }
  const loadAverage = { atStart: loadAtStart, atEnd: loadavg() };
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ function: values.function, mode: 'warm', rows, loadAverage })}\n`,
    );
  } else {
    process.stdout.write(
      `warm ${values.function} through nebula serve, keep-alive, ${connections} connections, ${duration} s each (autocannon)\n\n`,
    );
    process.stdout.write(
      '| runtime | req/s | p50 ms | p97.5 ms | p99 ms | max ms | requests | non-2xx | errors | server CPU µs/request |\n',
    );
    process.stdout.write('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n');
    for (const row of rows) {
      process.stdout.write(
        `| ${row.runtime} | ${row.reqPerS} | ${row.p50Ms} | ${row.p97_5Ms} | ${row.p99Ms} | ${row.maxMs} | ${row.requests} | ${row.non2xx} | ${row.errors} | ${row.serverCpuUsPerRequest} |\n`,
      );
    }
    const show = (load: number[]) => load.map((x) => x.toFixed(2)).join(' ');
    process.stdout.write(
      `\nload average ${show(loadAverage.atStart)} at start, ${show(loadAverage.atEnd)} at end\n`,
    );
  }
  recordTargets(rows);
} finally {
  gateway.process.kill('SIGTERM');
  await gateway.exited;
}
finishTargets();
