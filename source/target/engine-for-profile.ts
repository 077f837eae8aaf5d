import { Engine } from '../engine/engine.js';
import type { InvocationEngine } from '../engine/invocation-engine.js';
import type { Profile } from '../profiles/schema.js';
import { RemoteEngine } from '../remote/remote-engine.js';

/**
 * The engine a profile points at: this process (Engine) or a `nebula serve` elsewhere
 * (RemoteEngine, whose results add clientRoundTripMs). Callers close it when done.
 */
export async function createEngineForProfile(
  profile: Profile,
  options: { functionsDir?: string } = {},
): Promise<InvocationEngine> {
  const { target } = profile;
  if (target.kind === 'gateway') {
    return RemoteEngine.connect({
      url: target.url,
      token: target.token ?? process.env.NEBULA_TOKEN,
      timeoutMs: target.timeoutMs,
    });
  }
  return new Engine({
    dockerHost: profile.docker.host,
    dockerPlatform: profile.docker.platform,
    functionsDir: options.functionsDir,
  });
}
