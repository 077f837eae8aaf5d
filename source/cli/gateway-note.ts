import type { TargetEngine } from '../target/target-engine.js';

/**
 * "checking on pi5 through the gateway http://...": the line a command says first when the
 * profile's functions run on another machine; null when they run here.
 */
export function gatewayNote(engine: TargetEngine, doing: string): string | null {
  const { gateway, host } = engine.where;
  return gateway ? `${doing} on ${host ?? gateway} through the gateway ${gateway}\n` : null;
}
