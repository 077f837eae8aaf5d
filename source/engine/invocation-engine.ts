import type { Manifest } from '../catalog/manifest.js';
import type { InvocationResult, InvokeRequest } from '../core/invocation.js';

/** What a caller needs of a function to invoke it: its name and its manifest. */
export interface FunctionInfo {
  readonly name: string;
  readonly manifest: Manifest;
}

/**
 * The engine contract: what commands, the console, the gateway and the measurement session
 * drive, wherever the functions run. No UI, no HTTP server here. The local
 * Engine satisfies it as it is; RemoteEngine satisfies it over HTTP. Pick one with
 * createEngineForProfile (source/profiles/engine-for-profile.ts).
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
  on(event: 'invocation', listener: (result: InvocationResult) => void): unknown;
  off(event: 'invocation', listener: (result: InvocationResult) => void): unknown;
  close(): Promise<void>;
}
