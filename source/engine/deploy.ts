/** Deploying functions and asking what is deployed: the same for `nebula deploy` and a gateway. */
import type { FunctionEntry } from '../catalog/catalog.js';
import type { RuntimeName } from '../core/invocation.js';
import type { Runtime } from '../runtimes/runtime.js';

export interface DeployRow {
  function: string;
  runtime: RuntimeName;
  ok: boolean;
  /** built, unchanged, deployed (a runtime that does not say), or failed. */
  state: 'built' | 'unchanged' | 'deployed' | 'failed';
  detail: string;
  ms: number;
}

/** true / false, or "unknown (why)" when the runtime cannot be asked (engine down). */
export type DeployedState = boolean | string;

/** A function of the catalog with its deploy state on each runtime asked about. */
export interface FunctionState {
  name: string;
  description: string;
  input: FunctionEntry['manifest']['input'];
  defaultInput: string;
  timeoutMs: number;
  memoryMb: number;
  deployed: Partial<Record<RuntimeName, DeployedState>>;
}

/** A runtime that reports what deploy did (the container runtime builds or keeps an image). */
interface Builder {
  build(fn: FunctionEntry): Promise<{ tag: string; built: boolean }>;
}

const hasBuild = (runtime: Runtime): runtime is Runtime & Builder =>
  typeof (runtime as Partial<Builder>).build === 'function';

export async function deployOne(
  runtime: Runtime,
  runtimeName: RuntimeName,
  fn: FunctionEntry,
): Promise<DeployRow> {
  const started = performance.now();
  const row = { function: fn.name, runtime: runtimeName };
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

export function functionState(
  fn: FunctionEntry | { name: string; manifest: FunctionEntry['manifest'] },
  deployed: FunctionState['deployed'],
): FunctionState {
  const { name, description, input, defaultInput, timeoutMs, memoryMb } = fn.manifest;
  return { name, description, input, defaultInput, timeoutMs, memoryMb, deployed };
}
