/**
 * The local engine: this process's runtimes, loaded on first use, and its catalog. One file
 * because it is one class, the invocation contract on this machine; deploying, importing and
 * describing the machine live beside it (deploy.ts, import-wasm.ts, machine.ts).
 */
import { EventEmitter } from 'node:events';
import { unavailableReason } from '../catalog/availability.js';
import { type Catalog, CatalogError, type FunctionEntry, loadCatalog } from '../catalog/catalog.js';
import { withFunctionLock } from '../catalog/function-lock.js';
import { processEmulation } from '../core/emulation.js';
import { UsageError } from '../core/errors.js';
import { InputBoundError, inputProblem, maxInputBytes } from '../core/input-bound.js';
import {
  type InvocationResult,
  type InvokeRequest,
  isMode,
  isRuntimeName,
  MODES,
  RUNTIME_NAMES,
  type RuntimeName,
} from '../core/invocation.js';
import { nowNs, type Runtime, toResult } from '../runtimes/runtime.js';
import {
  type ContainerVariant,
  containerVariant,
  parseLane,
  VariantError,
  type WasmVariant,
  wasmVariant,
} from '../runtimes/variants.js';
import {
  type DeployOptions,
  type DeployRow,
  deployOne,
  type FunctionState,
  functionState,
  unknownState,
} from './deploy.js';
import { type ImportedFunction, type ImportRequest, importWasm } from './import-wasm.js';
import { describeMachine, type MachineDescription } from './machine.js';
import { collectSizes, type SizesQuery, type SizesRecord } from './sizes.js';

export interface EngineOptions {
  functionsDir?: string;
  /** Docker engine address (unix:///path, tcp://host:port, ssh://user@host); else DOCKER_HOST. */
  dockerHost?: string;
  /** Platform of the container images ("linux/arm64"); else the Docker engine's own. */
  dockerPlatform?: string;
  /** Worker threads per Wasm runtime: 1 runs invocations one at a time (the default). */
  wasmWorkers?: number;
}

export interface EngineEvents {
  invocation: [InvocationResult];
}

/** A variant changes one runtime, so a deploy with one names exactly one runtime. */
export function checkVariantRuntimes(
  runtimes: readonly RuntimeName[],
  variant: string | undefined,
): void {
  if (variant && runtimes.length !== 1) {
    throw new UsageError('--variant belongs to one runtime: name it, e.g. --runtime container');
  }
}

/** One input within the bound (core/input-bound.ts), else a UsageError naming it. */
export function checkInput(input: string): void {
  let problem: string | null;
  try {
    problem = inputProblem(input, maxInputBytes());
  } catch (error) {
    if (error instanceof InputBoundError) throw new UsageError(error.message);
    throw error;
  }
  if (problem) throw new UsageError(problem);
}

/** The checks every engine makes before running anything, with the same messages. */
export function checkRequestNames(runtimeName: string, mode: string): void {
  if (!isMode(mode)) {
    throw new UsageError(`unknown mode "${mode}"; choose one of ${MODES.join(', ')}`);
  }
  if (!isRuntimeName(runtimeName)) {
    throw new UsageError(
      `unknown runtime "${runtimeName}"; choose one of ${RUNTIME_NAMES.join(', ')}`,
    );
  }
}

type RuntimeFactory = (options: EngineOptions, variant: string) => Promise<Runtime>;

// Loaded on first use so a Wasm-only session never loads dockerode, and the reverse.
const RUNTIME_FACTORIES: Record<RuntimeName, RuntimeFactory> = {
  wasm: async (options, variant) =>
    new (await import('../runtimes/wasm/component-runtime.js')).ComponentRuntime(
      options.wasmWorkers,
      {},
      wasmVariant(variant) as WasmVariant,
    ),
  'wasm-p1': async (options, variant) =>
    new (await import('../runtimes/wasm/preview1-runtime.js')).Preview1Runtime(
      options.wasmWorkers,
      {},
      wasmVariant(variant) as WasmVariant,
    ),
  container: async (options, variant) =>
    (await import('../runtimes/container/index.js')).createContainerRuntime({
      dockerHost: options.dockerHost,
      platform: options.dockerPlatform,
      variant: containerVariant(variant) as ContainerVariant,
    }),
};

/** The canonical name of a variant of a runtime ('' for its defaults), or a UsageError. */
export function canonicalVariant(runtimeName: RuntimeName, variant: string | undefined): string {
  if (!variant) return '';
  try {
    return parseLane(`${runtimeName}:${variant}`).variant ?? '';
  } catch (error) {
    if (error instanceof VariantError) throw new UsageError(error.message);
    throw error;
  }
}

/** Why jco's glue runs the deployed component instead of the direct bindings, or null. */
function glueNote(runtime: Runtime, fn: FunctionEntry): string | null {
  const asks = runtime as Runtime & { glueFallback?: (fn: FunctionEntry) => string | null };
  return typeof asks.glueFallback === 'function' ? asks.glueFallback(fn) : null;
}

/** The engine both faces (commands, console, gateway) drive. */
export class Engine extends EventEmitter<EngineEvents> {
  readonly catalog: Catalog;
  /** By runtime name, with `[variant]` after it for a variant. */
  private readonly runtimes = new Map<string, Promise<Runtime>>();

  constructor(readonly options: EngineOptions = {}) {
    super();
    this.catalog = loadCatalog(options.functionsDir);
  }

  fn(name: string): FunctionEntry {
    try {
      return this.catalog.get(name);
    } catch (error) {
      if (error instanceof CatalogError) throw new UsageError(error.message);
      throw error;
    }
  }

  /** The runtime, or a variant of it (`net=bridge,client=cli`; runtimes/variants.ts). */
  runtime(name: string, variant?: string): Promise<Runtime> {
    if (!isRuntimeName(name)) {
      throw new UsageError(`unknown runtime "${name}"; choose one of ${RUNTIME_NAMES.join(', ')}`);
    }
    const canonical = canonicalVariant(name, variant);
    const key = canonical ? `${name}[${canonical}]` : name;
    let runtime = this.runtimes.get(key);
    if (!runtime) {
      runtime = RUNTIME_FACTORIES[name](this.options, canonical).catch((error: unknown) => {
        // A condition the machine cannot meet (no bridge, no docker CLI) is the request's fault.
        if (error instanceof VariantError) throw new UsageError(error.message);
        throw error;
      });
      this.runtimes.set(key, runtime);
      runtime.catch(() => this.runtimes.delete(key));
    }
    return runtime;
  }

  /** Names are checked before anything runs; a failing function is a result, not a throw. */
  async invoke(
    functionName: string,
    runtimeName: string,
    request: InvokeRequest,
  ): Promise<InvocationResult> {
    checkRequestNames(runtimeName, request.mode);
    checkInput(request.input);
    const entry = this.fn(functionName);
    // A plan's timeout replaces the manifest's for this invocation only.
    const fn =
      request.timeoutMs === undefined
        ? entry
        : { ...entry, manifest: { ...entry.manifest, timeoutMs: request.timeoutMs } };
    const unavailable = unavailableReason(fn.manifest, runtimeName as RuntimeName);
    if (unavailable)
      throw new UsageError(`${fn.name} cannot run on ${runtimeName}: ${unavailable}`);
    if (request.variant && request.mode !== 'cold') {
      throw new UsageError(
        `variants are conditions of a cold start; run ${runtimeName}:${request.variant} with --mode cold`,
      );
    }
    const acceptNs = nowNs();
    let runtime: Runtime;
    try {
      runtime = await this.runtime(runtimeName, request.variant);
    } catch (error) {
      // The Docker engine down is this invocation's failure, recorded like any other.
      if ((error as Error).name !== 'EngineUnreachableError') throw error;
      const run = { stdout: '', stderr: '', exitCode: null, failure: 'engine' as const };
      const failed = toResult(fn, runtimeName as RuntimeName, request, acceptNs, nowNs(), {
        ...run,
        failureMessage: (error as Error).message,
      });
      this.emit('invocation', failed);
      return failed;
    }
    const result = await runtime.invoke(fn, request);
    const emulated = [processEmulation(), runtime.emulation].filter(Boolean).join('; ');
    if (emulated) result.emulated = emulated;
    this.emit('invocation', result);
    return result;
  }

  machine(): Promise<MachineDescription> {
    return describeMachine(this.options.dockerHost);
  }

  /** The deployed sizes of its functions: their files, and their images unless told not to. */
  sizes(query: SizesQuery = {}): Promise<SizesRecord> {
    const names = query.functions;
    const fns = this.catalog.functions.filter((fn) => !names || names.includes(fn.name));
    const { dockerHost, dockerPlatform: platform } = this.options;
    return collectSizes(fns, { dockerHost, platform, images: query.images });
  }

  /**
   * Each function with its deploy state on each runtime (n/a with the reason where it can
   * never run; a runtime that cannot load says why), and which path runs it on `wasm`.
   */
  async functionStates(runtimes: readonly RuntimeName[] = RUNTIME_NAMES): Promise<FunctionState[]> {
    const fns = this.catalog.functions;
    const rows = fns.map((fn) => functionState(fn, runtimes));
    for (const name of runtimes) {
      const asked = fns.filter((fn) => !unavailableReason(fn.manifest, name));
      if (asked.length === 0) continue;
      let runtime: Runtime | null = null;
      let why: string | null = null;
      try {
        runtime = await this.runtime(name);
      } catch (error) {
        why = unknownState(error);
      }
      for (const fn of asked) {
        const row = rows[fns.indexOf(fn)] as FunctionState;
        if (!runtime) {
          row.deployed[name] = why as string;
          continue;
        }
        try {
          row.deployed[name] = await runtime.isDeployed(fn);
        } catch (error) {
          row.deployed[name] = unknownState(error);
        }
        const glue = name === 'wasm' && row.deployed.wasm === true ? glueNote(runtime, fn) : null;
        if (glue) row.wasmGlue = glue;
      }
    }
    // In the order asked, whichever was n/a from the start.
    for (const row of rows) {
      row.deployed = Object.fromEntries(runtimes.map((name) => [name, row.deployed[name]]));
    }
    return rows;
  }

  /** Builds what each runtime needs; one row per function and runtime, as it finishes. */
  async deploy(
    names: readonly string[],
    runtimes: readonly RuntimeName[],
    options: DeployOptions = {},
  ): Promise<DeployRow[]> {
    const { onRow = () => {}, signal, variant } = options;
    checkVariantRuntimes(runtimes, variant);
    const fns = names.length > 0 ? names.map((name) => this.fn(name)) : this.catalog.functions;
    const rows: DeployRow[] = [];
    for (const runtimeName of runtimes) {
      // A runtime none of the functions can run on is not even started (no engine needed).
      let runtime: Runtime | null = null;
      if (fns.some((fn) => !unavailableReason(fn.manifest, runtimeName))) {
        try {
          runtime = await this.runtime(runtimeName, variant);
        } catch (error) {
          if (error instanceof UsageError) throw error;
          for (const fn of fns) {
            const why = unavailableReason(fn.manifest, runtimeName);
            const row: DeployRow = why
              ? {
                  function: fn.name,
                  runtime: runtimeName,
                  ok: true,
                  state: 'n/a',
                  detail: why,
                  ms: 0,
                }
              : {
                  function: fn.name,
                  runtime: runtimeName,
                  ok: false,
                  state: 'failed',
                  detail: `runtime ${runtimeName} is not available: ${(error as Error).message}`,
                  ms: 0,
                };
            rows.push(row);
            onRow(row);
          }
          continue;
        }
      }
      for (const fn of fns) {
        if (signal?.aborted) break;
        // Never beside an import or another deploy of the same name (catalog/function-lock.ts).
        const row = await withFunctionLock(fn.name, () => deployOne(runtime, runtimeName, fn));
        rows.push(row);
        onRow(row);
      }
    }
    return rows;
  }

  /**
   * Bring your own: installs the module or component among the user functions (an
   * ImportError says why not, and nothing is installed); the catalog has it at once.
   */
  async importWasm(request: ImportRequest): Promise<ImportedFunction> {
    // The catalog takes the new entry while the import still holds the name's lock, so the
    // catalog and the installed folder agree whatever order imports of one name finish in.
    const outcome = await importWasm(request, this.catalog, this.options.functionsDir, (fn) => {
      const { functions } = this.catalog;
      const earlier = functions.findIndex((known) => known.name === fn.name);
      if (earlier >= 0) functions.splice(earlier, 1, fn);
      else functions.push(fn);
    });
    return {
      name: outcome.fn.name,
      kind: outcome.kind,
      dir: outcome.fn.dir,
      glueFallback: outcome.glueFallback,
    };
  }

  async close(): Promise<void> {
    const runtimes = [...this.runtimes.values()];
    this.runtimes.clear();
    await Promise.allSettled(runtimes.map(async (runtime) => (await runtime).close()));
  }
}
