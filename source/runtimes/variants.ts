/**
 * Named variants of a runtime: the conditions under which the thesis measured, one factor at
 * a time, beside Nebula's defaults. A variant is written `factor=value,...` after its runtime,
 * e.g. `container:net=bridge,client=cli` or `wasm:load=precompiled`; factors left out keep
 * the default. Pure: parsing, the canonical spelling, and the ladder from Nebula's defaults
 * to the thesis's conditions.
 */
import { RUNTIME_NAMES, type RuntimeName } from '../core/invocation.js';
import type { Lane } from '../core/plan.js';

/** Container factors. Defaults first. */
export const CONTAINER_FACTORS = {
  /**
   * disabled: NetworkMode none plus NetworkDisabled, no libnetwork sandbox (Nebula's default);
   * none: Docker's `none` network (what `docker run --network none` does);
   * bridge: the default bridge network, as a stock `docker run` (the thesis).
   */
  net: ['disabled', 'none', 'bridge'],
  /** api: the Engine API through dockerode (default); cli: `docker run --rm -i` (the thesis). */
  client: ['api', 'cli'],
  /** scratch: FROM scratch (default); debian: a Debian bookworm minbase image built locally. */
  base: ['scratch', 'debian'],
} as const;

/** Wasm factors: compile the module in every cold start (default), or start from a compiled one. */
export const WASM_FACTORS = {
  load: ['compile', 'precompiled'],
} as const;

export type ContainerVariant = {
  [K in keyof typeof CONTAINER_FACTORS]: (typeof CONTAINER_FACTORS)[K][number];
};
export type WasmVariant = { [K in keyof typeof WASM_FACTORS]: (typeof WASM_FACTORS)[K][number] };

export const DEFAULT_CONTAINER_VARIANT: ContainerVariant = {
  net: 'disabled',
  client: 'api',
  base: 'scratch',
};
export const DEFAULT_WASM_VARIANT: WasmVariant = { load: 'compile' };

export class VariantError extends Error {
  override name = 'VariantError';
}

type Factors = Record<string, readonly string[]>;

function factorsOf(runtime: RuntimeName): Factors {
  return runtime === 'container' ? CONTAINER_FACTORS : WASM_FACTORS;
}

function defaultsOf(runtime: RuntimeName): Record<string, string> {
  return runtime === 'container' ? DEFAULT_CONTAINER_VARIANT : DEFAULT_WASM_VARIANT;
}

/**
 * `net=bridge,client=cli` for a runtime, into its factors (defaults filled in). An unknown
 * factor or value is a VariantError that lists what is allowed.
 */
export function parseVariant(runtime: RuntimeName, text: string): Record<string, string> {
  const factors = factorsOf(runtime);
  const values: Record<string, string> = { ...defaultsOf(runtime) };
  const seen = new Set<string>();
  for (const item of text.split(',').map((part) => part.trim())) {
    if (item === '') continue;
    const [name, value, extra] = item.split('=');
    const allowed = name === undefined ? undefined : factors[name];
    if (!name || value === undefined || extra !== undefined) {
      throw new VariantError(
        `variant "${text}" of ${runtime}: "${item}" is not a factor=value; ${runtime} has ${describeFactors(factors)}`,
      );
    }
    if (!allowed) {
      throw new VariantError(
        `variant "${text}": ${runtime} has no factor "${name}"; it has ${describeFactors(factors)}`,
      );
    }
    if (!allowed.includes(value)) {
      throw new VariantError(
        `variant "${text}" of ${runtime}: ${name} must be one of ${allowed.join(', ')}, not "${value}"`,
      );
    }
    if (seen.has(name)) throw new VariantError(`variant "${text}": ${name} is given twice`);
    seen.add(name);
    values[name] = value;
  }
  return values;
}

function describeFactors(factors: Factors): string {
  return Object.entries(factors)
    .map(([name, values]) => `${name}=${values.join('|')}`)
    .join(', ');
}

/** The canonical spelling: factors in declaration order, defaults left out; '' for defaults. */
export function variantName(runtime: RuntimeName, values: Record<string, string>): string {
  const defaults = defaultsOf(runtime);
  return Object.keys(factorsOf(runtime))
    .filter((name) => values[name] !== undefined && values[name] !== defaults[name])
    .map((name) => `${name}=${values[name]}`)
    .join(',');
}

export function containerVariant(text = ''): ContainerVariant {
  return parseVariant('container', text) as ContainerVariant;
}

export function wasmVariant(text = ''): WasmVariant {
  return parseVariant('wasm', text) as WasmVariant;
}

/**
 * One item of `--variants`: `RUNTIME` or `RUNTIME:factor=value,...`, into a plan lane with the
 * variant's canonical name (none for the runtime's defaults).
 */
export function parseLane(text: string): Lane {
  const colon = text.indexOf(':');
  const runtime = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (!(RUNTIME_NAMES as readonly string[]).includes(runtime)) {
    throw new VariantError(
      `"${text}": unknown runtime "${runtime}"; write RUNTIME or RUNTIME:factor=value,... with RUNTIME one of ${RUNTIME_NAMES.join(', ')}`,
    );
  }
  const name = variantName(
    runtime as RuntimeName,
    parseVariant(runtime as RuntimeName, colon < 0 ? '' : text.slice(colon + 1)),
  );
  return name
    ? { runtime: runtime as RuntimeName, variant: name }
    : { runtime: runtime as RuntimeName };
}

/** One step of the way from Nebula's defaults to the thesis's conditions. */
export interface LadderStep {
  /** What this step changes, for the report. */
  change: string;
  container: Lane;
  wasm: Lane;
}

/**
 * From Nebula's defaults to the thesis's conditions, one factor at a time, each step keeping
 * the ones before it: Docker's own `none` network, then the default bridge, then the
 * `docker run` command line, then a Debian base image, then Wasm from compiled modules.
 */
export function ladder(wasmRuntime: RuntimeName = 'wasm'): LadderStep[] {
  const c = (variant: string): Lane =>
    variant ? { runtime: 'container', variant } : { runtime: 'container' };
  const w = (variant: string): Lane =>
    variant ? { runtime: wasmRuntime, variant } : { runtime: wasmRuntime };
  const thesisContainer = 'net=bridge,client=cli,base=debian';
  return [
    { change: "Nebula's defaults", container: c(''), wasm: w('') },
    { change: "Docker's none network", container: c('net=none'), wasm: w('') },
    { change: 'default bridge network', container: c('net=bridge'), wasm: w('') },
    { change: 'docker run CLI', container: c('net=bridge,client=cli'), wasm: w('') },
    { change: 'Debian base image', container: c(thesisContainer), wasm: w('') },
    {
      change: 'Wasm from a compiled module (the thesis)',
      container: c(thesisContainer),
      wasm: w('load=precompiled'),
    },
  ];
}

/** Every lane the ladder needs, once each, containers first. */
export function ladderLanes(wasmRuntime: RuntimeName = 'wasm'): Lane[] {
  const lanes: Lane[] = [];
  const seen = new Set<string>();
  const steps = ladder(wasmRuntime);
  for (const lane of [...steps.map((s) => s.container), ...steps.map((s) => s.wasm)]) {
    const key = `${lane.runtime}[${lane.variant ?? ''}]`;
    if (!seen.has(key)) {
      seen.add(key);
      lanes.push(lane);
    }
  }
  return lanes;
}
