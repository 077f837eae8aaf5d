/**
 * Instantiates a command component's core modules as its plan says (command-plan.ts), with
 * the direct bindings (command-bindings.ts) in place of jco's host functions, and runs it.
 */
import { type BindingContext, CommandExit, createBindings } from './command-bindings.js';
import type { CommandPlan, ExportRef } from './command-plan.js';

export type HostContext = Omit<BindingContext, 'memory' | 'realloc'>;

type Realloc = BindingContext['realloc'];

/** Runs the command once; returns its exit code, or throws what trapped. */
export function runPlan(
  plan: CommandPlan,
  coreModule: (file: string) => WebAssembly.Module,
  host: HostContext,
  seen: { linearBytes?: number } = {},
  /** Imports a module takes beyond the plan's: a pooled memory (module-cache.ts runModule). */
  extraImports: (file: string) => Record<string, Record<string, unknown>> | undefined = () =>
    undefined,
): number {
  const instances: WebAssembly.Exports[] = [];
  const exported = (ref: ExportRef) => (instances[ref.instance] as WebAssembly.Exports)[ref.export];
  let memory: WebAssembly.Memory | undefined;
  let realloc: Realloc | undefined;
  const forwarder =
    (ref: ExportRef) =>
    (...args: unknown[]) =>
      (exported(ref) as (...a: unknown[]) => unknown)(...args);
  const binding = createBindings({
    ...host,
    memory: () => memory as WebAssembly.Memory,
    realloc: (...args) => (realloc as Realloc)(...args),
  });
  for (const step of plan.steps) {
    const imports: Record<string, Record<string, unknown>> = { ...extraImports(step.file) };
    for (const { module, name, from } of step.imports) {
      imports[module] ??= {};
      (imports[module] as Record<string, unknown>)[name] =
        'host' in from
          ? binding(from.host)
          : 'late' in from
            ? forwarder(from.late)
            : exported(from);
    }
    instances.push(
      new WebAssembly.Instance(coreModule(step.file), imports as WebAssembly.Imports).exports,
    );
    // The bindings need memory and realloc only once code runs, after the last step.
  }
  memory = exported(plan.memory) as WebAssembly.Memory;
  realloc = plan.realloc ? (exported(plan.realloc) as Realloc) : undefined;
  try {
    // result<_, _> flattens to one i32: 0 is ok.
    return (exported(plan.run) as () => number)() === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof CommandExit) return error.code;
    throw error;
  } finally {
    // Linear memory only grows: its size now is the run's high-water mark.
    seen.linearBytes = memory.buffer.byteLength;
  }
}
