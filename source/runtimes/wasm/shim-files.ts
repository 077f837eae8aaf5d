/**
 * preview2-shim's browser build, loaded in Node by path: unlike its Node build it takes the
 * stdio of each instance (`createCli`) and throws on exit instead of calling process.exit.
 * The path is not part of the package's exports, so it is named here once, and
 * test/wasm/dependency-internals.test.ts fails when a new version moves or changes it.
 */
export const SHIM_PACKAGE = '@bytecodealliance/preview2-shim';
export const SHIM_BROWSER_FILES = [
  'cli.js',
  'io.js',
  'clocks.js',
  'filesystem.js',
  'random.js',
] as const;

/** The browser build's folder, next to the package's entry (dist/nodejs/index.js). */
export function shimBrowserUrl(): URL {
  return new URL('../browser/', import.meta.resolve(SHIM_PACKAGE));
}
