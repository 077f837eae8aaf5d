/**
 * The WASI 0.2 interfaces the `wasm` runtime gives a component (through jco's glue, on
 * preview2-shim; the direct bindings cover the functions of these a command uses). A
 * component importing anything else cannot be instantiated, so deploy refuses it.
 */
export const HOST_INTERFACES = [
  'wasi:cli/environment',
  'wasi:cli/exit',
  'wasi:cli/stdin',
  'wasi:cli/stdout',
  'wasi:cli/stderr',
  'wasi:cli/terminal-input',
  'wasi:cli/terminal-output',
  'wasi:cli/terminal-stdin',
  'wasi:cli/terminal-stdout',
  'wasi:cli/terminal-stderr',
  'wasi:clocks/monotonic-clock',
  'wasi:clocks/wall-clock',
  'wasi:filesystem/preopens',
  'wasi:filesystem/types',
  'wasi:io/error',
  'wasi:io/streams',
  'wasi:io/poll',
  'wasi:random/random',
  'wasi:random/insecure',
  'wasi:random/insecure-seed',
] as const;

export type HostInterface = (typeof HOST_INTERFACES)[number];

export function isHostInterface(name: string): name is HostInterface {
  return (HOST_INTERFACES as readonly string[]).includes(name);
}
