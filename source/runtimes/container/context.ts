import type Docker from 'dockerode';
import type { FunctionEntry } from '../../catalog/catalog.js';
import type { Mode } from '../../core/invocation.js';
import type { Platform } from '../../core/platform.js';
import type { EngineAddress } from './address.js';

/** What the cold and warm paths share with the runtime that owns them. */
export interface RunContext {
  docker: Docker;
  address: EngineAddress;
  /** The platform of the images, asked for again when creating a container. */
  platform: Platform;
  /** Labels for a new container of this function and mode (nebula=1, session, owner, ...). */
  labels(fn: FunctionEntry, mode: Mode): Record<string, string>;
  /** Containers the engine could not remove when asked: removed later, once it answers. */
  orphans: Set<string>;
  /** Cold containers in flight, so that close() on Ctrl+C can remove them too. */
  running: Set<string>;
}
