/** Runs one instance of a transpiled command component (inside the Wasm worker). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runPlan } from './command-instance.js';
import { type CommandPlan, PLAN_FILE, type PlanOutcome } from './command-plan.js';
import type { HostInterface } from './host-interfaces.js';
import { POOL_IMPORT } from './memory-import.js';
import { lease } from './memory-pool.js';
import { coreModule, type RunModule, runModule } from './module-cache.js';
import type { GlueRef, WasmJob, WasmJobResult } from './protocol.js';
import { SHIM_BROWSER_FILES, shimBrowserUrl } from './shim-files.js';
import { MemoryStdio, trapResult } from './stdio.js';

// The shim's browser build (shim-files.ts); its stream classes must all come from that one
// build (instanceof checks).
const [cli, io, clocks, filesystem, random] = await Promise.all(
  SHIM_BROWSER_FILES.map((file) => import(new URL(file, shimBrowserUrl()).href)),
);

type GetCoreModule = (file: string) => WebAssembly.Module;
interface Glue {
  instantiate(getCoreModule: GetCoreModule, imports: object): { run: { run(): void } };
}

/**
 * Per glue file, the revision loaded, its glue and the plan the direct bindings run (null:
 * jco's glue runs it). A new revision of the same file replaces the entry.
 */
const loaded = new Map<string, { revision: string; glue: Glue; plan: CommandPlan | null }>();
/** NEBULA_JCO_GLUE=1 runs every component through jco's own glue (to compare the two). */
const FORCE_JCO_GLUE = Boolean(process.env.NEBULA_JCO_GLUE);

/** The plan deploy learnt (command-plan.ts); without one, jco's glue runs the component. */
function readPlan(dir: string): CommandPlan | null {
  try {
    const outcome = JSON.parse(readFileSync(join(dir, PLAN_FILE), 'utf8')) as PlanOutcome;
    return 'plan' in outcome ? outcome.plan : null;
  } catch {
    return null;
  }
}

/** Loads the glue and recognises the component's shape: the runtime's one-off preparation. */
export async function loadGlue({ path, revision }: GlueRef): Promise<Glue> {
  const known = loaded.get(path);
  if (known?.revision === revision) return known.glue;
  // Node keeps an imported module for the life of the thread, by URL: the revision in the
  // URL makes a new import of new glue, never the cached one of the file's former contents.
  const url = `${pathToFileURL(path).href}?revision=${encodeURIComponent(revision)}`;
  const glue = (await import(url)) as Glue;
  loaded.set(path, { revision, glue, plan: readPlan(dirname(path)) });
  return glue;
}

/** The plan for the job's revision, or null for jco's glue (or a revision not loaded yet). */
function planOf(job: WasmJob): CommandPlan | null {
  const entry = loaded.get(job.path);
  return entry?.revision === job.revision ? entry.plan : null;
}

const BIG_WRITE_PERMIT = 1n << 24n;

function outputHandler(stdio: MemoryStdio, fd: 1 | 2) {
  return {
    checkWrite: () => BIG_WRITE_PERMIT,
    write: (bytes: Uint8Array) => stdio.write(fd, bytes),
    blockingFlush() {},
  };
}

/** preview2-shim's CLI over this invocation's in-memory stdio. */
function shimCli(stdio: MemoryStdio, name: string) {
  const closed = { tag: 'closed' };
  return cli.createCli({
    arguments: [name],
    environment: {},
    stdin: {
      blockingRead(len: bigint) {
        const chunk = stdio.read(Number(len));
        if (chunk.length === 0) throw closed;
        return chunk;
      },
      subscribe: () => io.pollableCreate(),
    },
    stdout: outputHandler(stdio, 1),
    stderr: outputHandler(stdio, 2),
  });
}

/** The import object of jco's glue (the fallback path). */
function wasiImports(stdio: MemoryStdio, name: string): object {
  const c = shimCli(stdio, name);
  return {
    'wasi:cli/environment': c.environment,
    'wasi:cli/exit': c.exit,
    'wasi:cli/stdin': c.stdin,
    'wasi:cli/stdout': c.stdout,
    'wasi:cli/stderr': c.stderr,
    'wasi:cli/terminal-input': c.terminalInput,
    'wasi:cli/terminal-output': c.terminalOutput,
    'wasi:cli/terminal-stdin': c.terminalStdin,
    'wasi:cli/terminal-stdout': c.terminalStdout,
    'wasi:cli/terminal-stderr': c.terminalStderr,
    // The host's CLOCK_MONOTONIC, the clock the function's marks and Nebula's own use.
    'wasi:clocks/monotonic-clock': { ...clocks.monotonicClock, now: () => process.hrtime.bigint() },
    'wasi:clocks/wall-clock': clocks.wallClock,
    // No preopened directories: the function sees no file system.
    'wasi:filesystem/preopens': { getDirectories: () => [] },
    'wasi:filesystem/types': filesystem.types,
    'wasi:io/error': io.error,
    'wasi:io/streams': io.streams,
    'wasi:io/poll': io.poll,
    'wasi:random/random': random.random,
    'wasi:random/insecure': random.insecure,
    'wasi:random/insecure-seed': random.insecureSeed,
  } satisfies Record<HostInterface, object>;
}

function shimStreams(stdio: MemoryStdio, name: string) {
  const c = shimCli(stdio, name);
  return {
    stdin: c.stdin.getStdin(),
    stdout: c.stdout.getStdout(),
    stderr: c.stderr.getStderr(),
    arguments: [name],
    environment: [] as Array<[string, string]>,
    monotonicNow: () => process.hrtime.bigint(),
    wallNow: () => clocks.wallClock.now(),
    randomBytes: (len: bigint) => random.random.getRandomBytes(len),
  };
}

/** The direct bindings, on this turn; undefined when the glue path (async) is needed. */
export function runComponentNow(job: WasmJob): WasmJobResult | undefined {
  const dir = dirname(job.path);
  const plan = planOf(job);
  if (!plan || FORCE_JCO_GLUE) return undefined;
  const stdio = new MemoryStdio(job.input, job.outputLimitBytes);
  const modules = new Map<string, RunModule>(
    plan.steps.map(({ file }) => [file, runModule(join(dir, file), job)]),
  );
  const modulesLoadedNs = process.hrtime.bigint();
  const seen: { linearBytes?: number } = {};
  const memoryImport = (file: string) => {
    const { pool } = modules.get(file) as RunModule;
    return pool ? { [POOL_IMPORT.module]: { [POOL_IMPORT.name]: lease(pool) } } : undefined;
  };
  try {
    const module = (file: string) => (modules.get(file) as RunModule).module;
    const exitCode = runPlan(plan, module, shimStreams(stdio, job.name), seen, memoryImport);
    return { ...stdio.result(job.id, exitCode), modulesLoadedNs, ...seen };
  } catch (error) {
    // A plan that no longer links (its files changed under it) is not the function's fault.
    if (error instanceof WebAssembly.LinkError) {
      const entry = loaded.get(job.path);
      if (entry?.revision === job.revision) entry.plan = null;
      return undefined;
    }
    return { ...trapResult(job.id, stdio, error), modulesLoadedNs, ...seen };
  }
}

export async function runComponent(job: WasmJob): Promise<WasmJobResult> {
  const glue = await loadGlue(job);
  const direct = runComponentNow(job);
  if (direct) return direct;
  const dir = dirname(job.path);
  // jco's glue asks for its core modules as it instantiates: the last one loaded is the
  // closest this path has to "modules loaded, before instantiation".
  let modulesLoadedNs: bigint | undefined;
  const getCoreModule: GetCoreModule = (file) => {
    const module = coreModule(join(dir, file), job);
    modulesLoadedNs = process.hrtime.bigint();
    return module;
  };
  const stdio = new MemoryStdio(job.input, job.outputLimitBytes);
  let exitCode = 0;
  const loaded = () => (modulesLoadedNs === undefined ? {} : { modulesLoadedNs });
  try {
    glue.instantiate(getCoreModule, wasiImports(stdio, job.name)).run.run();
  } catch (error) {
    const exit = error as { exitError?: boolean; code?: number };
    if (!exit?.exitError) return { ...trapResult(job.id, stdio, error), ...loaded() };
    exitCode = exit.code ?? 1;
  }
  return { ...stdio.result(job.id, exitCode), ...loaded() };
}
