/**
 * The shape of a command plan (command-plan.ts learns it, shim-links.ts rewires it,
 * command-instance.ts runs it; plain JSON, stored beside the glue) and of the core
 * instances recorded while learning it. Apart from both, so neither imports the other.
 */

export interface ExportRef {
  instance: number;
  export: string;
}

/**
 * Another instance's export, a direct binding, or an export of an instance made later (a
 * function called through a forwarder once that instance exists: how the cycle between the
 * function and its adapter is broken once the shim and fix-up modules are left out).
 */
export type ImportSource = ExportRef | { host: string } | { late: ExportRef };

export interface PlanStep {
  file: string;
  imports: Array<{ module: string; name: string; from: ImportSource }>;
}

export interface CommandPlan {
  steps: PlanStep[];
  run: ExportRef;
  memory: ExportRef;
  /** The allocator the canonical ABI lowers lists into (the adapter's cabi_import_realloc). */
  realloc: ExportRef | null;
}

/** The plan or why there is none, and the host interfaces the glue asked for while wiring. */
export type PlanOutcome = ({ plan: CommandPlan } | { fallback: string }) & { interfaces: string[] };

export interface Recorded {
  file: string;
  bytes: Uint8Array;
  module: WebAssembly.Module;
  exports: WebAssembly.Exports;
  imports: Array<{ module: string; name: string; from: ExportRef | { value: unknown } }>;
}
