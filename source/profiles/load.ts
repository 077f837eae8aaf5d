import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { defaultFunctionsDir } from '../catalog/catalog.js';
import { type Profile, profileSchema } from './schema.js';

export class ProfileError extends Error {
  override name = 'ProfileError';
}

/** profiles/ beside functions/ in the repository, unless NEBULA_PROFILES_DIR says otherwise. */
export function defaultProfilesDir(): string {
  if (process.env.NEBULA_PROFILES_DIR) return resolve(process.env.NEBULA_PROFILES_DIR);
  return join(defaultFunctionsDir(), '..', 'profiles');
}

export const DEFAULT_PROFILE = 'local';

/** The embedded default when profiles/local.json is missing: this machine, estimated power. */
export const EMBEDDED_PROFILE: Profile = profileSchema.parse({
  name: 'local',
  label: 'this machine (embedded default)',
});

export function listProfiles(dir = defaultProfilesDir()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => extname(file) === '.json')
    .map((file) => basename(file, '.json'))
    .sort();
}

/** A name in profiles/ or a path to a JSON file. Errors name the file, the field and the rule. */
export function loadProfile(nameOrPath: string = DEFAULT_PROFILE, dir = defaultProfilesDir()): Profile {
  const isPath = nameOrPath.includes('/') || nameOrPath.endsWith('.json');
  const file = isPath ? resolve(nameOrPath) : join(dir, `${nameOrPath}.json`);
  if (!existsSync(file)) {
    if (!isPath && nameOrPath === DEFAULT_PROFILE) return EMBEDDED_PROFILE;
    const known = listProfiles(dir).join(', ') || '(none)';
    throw new ProfileError(`unknown profile "${nameOrPath}" (no ${file}); known profiles: ${known}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ProfileError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
    );
    throw new ProfileError(`${file}: invalid profile\n${lines.join('\n')}`);
  }
  return parsed.data;
}
