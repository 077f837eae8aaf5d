/** Deploying functions and asking what is deployed: the same for `nebula deploy` and a gateway. */
import { unavailableReason } from '../catalog/availability.js';
import type { FunctionEntry } from '../catalog/catalog.js';
import type { RuntimeName } from '../core/invocation.js';
import type { Runtime } from '../runtimes/runtime.js';

export interface DeployRow {
  function: string;
  runtime: RuntimeName;
  ok: boolean;
  /** built, unchanged, deployed (a runtime that does not say), failed, or n/a (never runs there). */
  state: 'built' | 'unchanged' | 'deployed' | 'failed' | 'n/a';
  detail: string;
  ms: number;
}

export interface DeployOptions {
  /** Called with each row as it finishes. */
  onRow?: (row: DeployRow) => void;
  /** Stops before the next function; what was deployed stays. */
  signal?: AbortSignal;
  /** A variant's artifacts (`base=debian`); one runtime only. */
  variant?: string;
}

/** true / false, "n/a" (the runtime can never run it: `unavailable` says why), or "unknown (why)" when the runtime cannot be asked (engine down). */
export type DeployedState = boolean | string;

/** A function of the catalog with its deploy state on each runtime asked about. */
export interface FunctionState {
  name: string;
  description: string;
  input: FunctionEntry['manifest']['input'];
  defaultInput: string;
  timeoutMs: number;
  memoryMb: number;
  language: FunctionEntry['manifest']['language'];
  deployed: Partial<Record<RuntimeName, DeployedState>>;
  /** Why a runtime can never run the function, by runtime (its deployed state is "n/a"). */
  unavailable: Partial<Record<RuntimeName, string>>;
  /** Why jco's glue runs the deployed component on `wasm` instead of the direct bindings. */
  wasmGlue?: string;
}

/** A runtime that reports what deploy did (the container runtime builds or keeps an image). */
interface Builder {
  build(fn: FunctionEntry): Promise<{ tag: string; built: boolean }>;
}

const hasBuild = (runtime: Runtime): runtime is Runtime & Builder =>
  typeof (runtime as Partial<Builder>).build === 'function';

/** `runtime` is null when none of the functions asked for can run there (it is never loaded). */
export async function deployOne(
  runtime: Runtime | null,
  runtimeName: RuntimeName,
  fn: FunctionEntry,
): Promise<DeployRow> {
  const started = performance.now();
  const row = { function: fn.name, runtime: runtimeName };
  const unavailable = unavailableReason(fn.manifest, runtimeName);
  if (unavailable || !runtime) {
    return { ...row, ok: true, state: 'n/a', detail: unavailable ?? '', ms: 0 };
  }
  try {
    if (hasBuild(runtime)) {
      const outcome = await runtime.build(fn);
      const state = outcome.built ? 'built' : 'unchanged';
      return { ...row, ok: true, state, detail: outcome.tag, ms: performance.now() - started };
    }
    await runtime.deploy(fn);
    return { ...row, ok: true, state: 'deployed', detail: '', ms: performance.now() - started };
  } catch (error) {
    return {
      ...row,
      ok: false,
      state: 'failed',
      detail: (error as Error).message,
      ms: performance.now() - started,
    };
  }
}

export function unknownState(error: unknown): string {
  return `unknown (${(error as Error).message.split('\n')[0]})`;
}

/** A function's row before any runtime is asked: the runtimes that can never run it are n/a. */
export function functionState(
  fn: FunctionEntry | { name: string; manifest: FunctionEntry['manifest'] },
  runtimes: readonly RuntimeName[],
): FunctionState {
  const { name, language, description, input, defaultInput, timeoutMs, memoryMb } = fn.manifest;
  const deployed: FunctionState['deployed'] = {};
  const unavailable: FunctionState['unavailable'] = {};
  for (const runtime of runtimes) {
    const reason = unavailableReason(fn.manifest, runtime);
    if (!reason) continue;
    deployed[runtime] = 'n/a';
    unavailable[runtime] = reason;
  }
  const row = { name, language, description, input, defaultInput, timeoutMs, memoryMb };
  return { ...row, deployed, unavailable };
}
