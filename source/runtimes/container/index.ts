import type { Runtime } from '../runtime.js';
import { ContainerRuntime, type ContainerRuntimeOptions } from './container-runtime.js';

export { ContainerRuntime, type ContainerRuntimeOptions } from './container-runtime.js';

/** The engine loads this lazily, so a Wasm-only session never loads dockerode. */
export async function createContainerRuntime(
  options: ContainerRuntimeOptions = {},
): Promise<Runtime> {
  return ContainerRuntime.create(options);
}
