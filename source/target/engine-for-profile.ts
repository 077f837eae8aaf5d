import type { Profile } from '../profiles/schema.js';
import { RemoteEngine } from '../remote/remote-engine.js';
import { LocalEngine } from './local-engine.js';
import type { TargetEngine } from './target-engine.js';

/**
 * The engine a profile points at, the one place that decides: this process (LocalEngine) or
 * a `nebula serve` elsewhere (RemoteEngine, whose results add clientRoundTripMs). Both answer
 * the same contract (target-engine.ts). Callers close it when done.
 */
export async function createEngineForProfile(
  profile: Profile,
  options: { functionsDir?: string } = {},
): Promise<TargetEngine> {
  const { target } = profile;
  if (target.kind === 'gateway') {
    const remote: TargetEngine = await RemoteEngine.connect({
      url: target.url,
      token: target.token ?? process.env.NEBULA_TOKEN,
      timeoutMs: target.timeoutMs,
      profile: profile.name,
    });
    return remote;
  }
  return new LocalEngine(profile, { functionsDir: options.functionsDir });
}
