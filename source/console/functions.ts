/** The controller's helpers about functions: the table's rows, and invoking without throwing. */
import { unavailableReason } from '../catalog/availability.js';
import type { InvocationResult } from '../core/invocation.js';
import type { InvocationEngine } from '../engine/invocation-engine.js';
import type { PowerSource } from '../power/source.js';
import {
  type ConsoleState,
  DEPLOY_RUNTIMES,
  type DeployRuntime,
  type FunctionRow,
} from './state.js';

/** The table's rows, each runtime 'checking' until the engine says what is deployed. */
export function functionRows(engine: InvocationEngine): FunctionRow[] {
  const initial = 'checking';
  return engine.catalog.functions.map((fn) => {
    const unavailable: FunctionRow['unavailable'] = {};
    const deployed = Object.fromEntries(
      DEPLOY_RUNTIMES.map((runtime) => [runtime, initial]),
    ) as FunctionRow['deployed'];
    for (const runtime of DEPLOY_RUNTIMES) {
      const reason = unavailableReason(fn.manifest, runtime);
      if (reason) {
        unavailable[runtime] = reason;
        deployed[runtime] = 'n/a';
      }
    }
    return {
      name: fn.name,
      description: fn.manifest.description,
      defaultInput: fn.manifest.defaultInput,
      inputFormat: fn.manifest.input.format,
      deployed,
      unavailable,
    };
  });
}

/** Through a gateway: the client's round trip beside the server's total. */
export function roundTrip(result: InvocationResult): string {
  const rtt = (result as { clientRoundTripMs?: unknown }).clientRoundTripMs;
  return typeof rtt === 'number' ? `, client round trip ${rtt.toFixed(2)} ms` : '';
}

/** A runtime that throws (engine down, unknown runtime) gives a failed result, never a crash. */
export async function invokeSafely(
  engine: InvocationEngine,
  fn: string,
  runtime: DeployRuntime,
  input: string,
  mode: ConsoleState['mode'],
): Promise<InvocationResult> {
  try {
    return await engine.invoke(fn, runtime, { input, mode });
  } catch (error) {
    return {
      function: fn,
      runtime,
      mode,
      input,
      ok: false,
      output: '',
      error: (error as Error).message ?? String(error),
      failure: 'engine',
      exitCode: null,
      stderr: '',
      timings: { startupMs: 0, execMs: 0, teardownMs: 0, totalMs: 0 },
      acceptedAtNs: '0',
    };
  }
}

/** The power source as a report names it (measure/records.ts ExperimentRecord.power). */
export function powerInfo(power: PowerSource): {
  source: string;
  kind: string;
  simulated: boolean;
} {
  return { source: power.label, kind: power.kind, simulated: power.simulated };
}
