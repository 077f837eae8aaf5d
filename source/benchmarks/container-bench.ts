/**
 * Issue 3's figures in one run: cold `hello` through Nebula's container runtime against
 * `docker run --rm -i` of the same image with the same sandbox flags, and against a bare
 * dockerode script making the same API calls, interleaved round by round so that load on
 * the machine hits all of them alike; then the warm median.
 * Usage: node dist/source/benchmarks/container-bench.js [--n 30] [--warm 500] [--function hello]
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { median, sortAscending } from '../core/stats.js';
import { Engine } from '../engine/engine.js';
import { resolveAddress } from '../runtimes/container/address.js';
import type { ContainerRuntime } from '../runtimes/container/container-runtime.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '30' },
    warm: { type: 'string', default: '500' },
    function: { type: 'string', default: 'hello' },
  },
});
const rounds = Number(values.n);
const warmN = Number(values.warm);
const name = values.function as string;

const engine = new Engine();
const fn = engine.fn(name);
const { manifest } = fn;
const input = manifest.input.example;
const runtime = (await engine.runtime('container')) as ContainerRuntime;
const { tag } = await runtime.build(fn);
const address = resolveAddress();
const LABELS = { 'nebula.bench': '1' };

/** Wall time of Nebula's cold invocation, from the call to the result. */
async function nebulaCold(): Promise<number> {
  const start = performance.now();
  const result = await engine.invoke(name, 'container', { input, mode: 'cold' });
  const ms = performance.now() - start;
  if (!result.ok) throw new Error(`nebula cold: ${result.error}`);
  return ms;
}

const sandboxFlags = [
  '--user=65534:65534',
  '--read-only',
  '--cap-drop=ALL',
  '--security-opt=no-new-privileges',
  `--memory=${manifest.memoryMb}m`,
  `--memory-swap=${manifest.memoryMb}m`,
  `--cpus=${manifest.cpus}`,
  `--pids-limit=${manifest.pids}`,
  '--log-driver=none',
  '--label=nebula.bench=1',
];

/** `docker run --rm -i --network none` of the same image, from spawn to exit. */
function cliCold(): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(
      'docker',
      ['-H', address.url, 'run', '--rm', '-i', '--network=none', ...sandboxFlags, tag],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - start;
      if (code === 0) resolve(ms);
      else reject(new Error(`docker run exited ${code}: ${stderr}`));
    });
    child.stdin.end(input);
  });
}

/** The same calls as Nebula's cold path, written out with dockerode alone. */
const docker = new Docker(address.options);
async function bareCold(networkDisabled: boolean): Promise<number> {
  const start = performance.now();
  const container = await docker.createContainer({
    Image: tag,
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    User: '65534:65534',
    NetworkDisabled: networkDisabled,
    Labels: LABELS,
    HostConfig: {
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Memory: manifest.memoryMb * 1024 * 1024,
      MemorySwap: manifest.memoryMb * 1024 * 1024,
      NanoCpus: manifest.cpus * 1e9,
      PidsLimit: manifest.pids,
      LogConfig: { Type: 'none', Config: {} },
    },
  });
  const stream = (await container.attach({
    stream: true,
    stdin: true,
    stdout: true,
    stderr: true,
    hijack: true,
  })) as NodeJS.ReadWriteStream;
  const drained = new Promise((resolve) => stream.on('end', resolve));
  stream.resume();
  // Wrapped in an object: resolving with a bare promise would wait for the exit itself.
  const { exited } = await new Promise<{ exited: Promise<unknown> }>((resolve, reject) =>
    docker.modem.dial(
      {
        path: `/containers/${container.id}/wait?`,
        method: 'POST',
        options: { condition: 'next-exit' },
        isStream: true,
        statusCodes: { 200: true },
      },
      (error: unknown, response: unknown) => {
        if (error) return reject(error);
        const res = response as NodeJS.ReadableStream;
        resolve({ exited: new Promise((done) => res.on('end', done).resume()) });
      },
    ),
  );
  await container.start();
  stream.end(input);
  await Promise.all([exited, drained]);
  await container.remove({ force: true });
  return performance.now() - start;
}

const variants: Array<[string, () => Promise<number>]> = [
  ['nebula', nebulaCold],
  ['docker run (CLI)', cliCold],
  ['bare dockerode', () => bareCold(true)],
  ['bare dockerode, network none only', () => bareCold(false)],
];
const cold = new Map<string, number[]>(variants.map(([label]) => [label, []]));

// One of each first, not counted: images cached, connections open, the CLI in page cache.
for (const [, run] of variants) await run();
for (let round = 0; round < rounds; round++) {
  // Rotate the order each round so no variant always runs right after another.
  for (let i = 0; i < variants.length; i++) {
    const [label, run] = variants[(round + i) % variants.length] as [string, () => Promise<number>];
    cold.get(label)?.push(await run());
  }
}

const warmTotals: number[] = [];
const warmWall: number[] = [];
for (let i = 0; i < 50; i++) await engine.invoke(name, 'container', { input, mode: 'warm' });
for (let i = 0; i < warmN; i++) {
  const start = performance.now();
  const result = await engine.invoke(name, 'container', { input, mode: 'warm' });
  warmWall.push(performance.now() - start);
  if (!result.ok) throw new Error(`nebula warm: ${result.error}`);
  warmTotals.push(result.timings.totalMs);
}
await engine.close();

const med = (samples: number[]) => median(sortAscending(samples)) ?? Number.NaN;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const m = Object.fromEntries([...cold].map(([label, samples]) => [label, med(samples)]));
const nebula = m.nebula ?? Number.NaN;
const cli = m['docker run (CLI)'] ?? Number.NaN;
const bare = m['bare dockerode'] ?? Number.NaN;
const print = (line: string) => process.stdout.write(`${line}\n`);

print(
  `container bench: ${name}, engine ${address.url}, ${rounds} interleaved cold rounds, ${warmN} warm calls`,
);
print(
  `image ${tag}; sandbox: user 65534, read-only, cap-drop ALL, no-new-privileges, ${manifest.memoryMb} MiB, ${manifest.cpus} CPU, ${manifest.pids} pids`,
);
for (const [label, samples] of cold) {
  const sorted = sortAscending(samples);
  print(
    `  cold ${label.padEnd(36)} median ${fmt(med(samples)).padStart(9)}  min ${fmt(sorted[0] ?? Number.NaN)}  max ${fmt(sorted.at(-1) ?? Number.NaN)}`,
  );
}
print(`  ratio nebula / docker run:     ${(nebula / cli).toFixed(2)}  (target <= 0.90)`);
print(`  ratio nebula / bare dockerode: ${(nebula / bare).toFixed(2)}  (target <= 1.05)`);
print(
  `  warm nebula median: total ${fmt(med(warmTotals))}, wall ${fmt(med(warmWall))}  (target <= 5 ms)`,
);
print(
  '  note: Nebula and "bare dockerode" create containers with NetworkDisabled (a fresh, empty network',
);
print(
  '  namespace from runc, no libnetwork sandbox); `docker run` has no flag for it and uses --network none,',
);
print('  as does the last cold row.');
