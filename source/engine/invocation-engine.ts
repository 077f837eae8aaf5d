import type { Manifest } from '../catalog/manifest.js';
import type { InvocationResult, InvokeRequest, RuntimeName } from '../core/invocation.js';
import type { DeployOptions, DeployRow, FunctionState } from './deploy.js';
import type { ImportedFunction, ImportRequest } from './import-wasm.js';
import type { MachineDescription } from './machine.js';
import type { SizesQuery, SizesRecord } from './sizes.js';

/** What a caller needs of a function to invoke it: its name and its manifest. */
export interface FunctionInfo {
  readonly name: string;
  readonly manifest: Manifest;
}

/**
 * The invocation half of the engine contract: what the measurement session and the gateway
 * drive, wherever the functions run. No UI, no HTTP server here. The local Engine satisfies
 * it as it is; RemoteEngine satisfies it over HTTP. The faces hold the whole contract,
 * TargetEngine (source/target/target-engine.ts: experiments, power, sizes, where), built by
 * createEngineForProfile (source/target/engine-for-profile.ts).
 */
export interface InvocationEngine {
  readonly catalog: {
    readonly functions: readonly FunctionInfo[];
    /** Functions that could not be read, shown to people, never fatal. */
    readonly problems: readonly string[];
  };
  /** The function of that name, or a UsageError naming the known ones. */
  fn(name: string): FunctionInfo;
  /** Names are checked before anything runs; a failing function is a result, not a throw. */
  invoke(
    functionName: string,
    runtimeName: string,
    request: InvokeRequest,
  ): Promise<InvocationResult>;
  /** The machine the functions run on (this one, or the gateway's). */
  machine(): Promise<MachineDescription>;
  /** The catalog with each function's deploy state on each runtime, where the functions run. */
  functionStates(runtimes?: readonly RuntimeName[]): Promise<FunctionState[]>;
  /** Deploys there; every name is checked first; one row per function and runtime. */
  deploy(
    names: readonly string[],
    runtimes: readonly RuntimeName[],
    options?: DeployOptions,
  ): Promise<DeployRow[]>;
  /**
   * The deployed sizes where the functions run; an engine that knows no files of them (a
   * test's fake) has none, and a gateway in front of it says so.
   */
  sizes?(query?: SizesQuery): Promise<SizesRecord>;
  /** Bring your own Wasm: installs it where the functions run; an ImportError says why not. */
  importWasm(request: ImportRequest): Promise<ImportedFunction>;
  on(event: 'invocation', listener: (result: InvocationResult) => void): unknown;
  off(event: 'invocation', listener: (result: InvocationResult) => void): unknown;
  close(): Promise<void>;
}
