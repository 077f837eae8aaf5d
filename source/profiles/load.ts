import { existsSync, readdirSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { defaultFunctionsDir } from '../catalog/catalog.js';
import { FileRefusedError, readRegularFile } from '../catalog/regular-file.js';
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

/** A path when it looks like one (has a slash or ends in .json), else a name in profiles/. */
export function profileFile(nameOrPath: string, dir = defaultProfilesDir()): string {
  const isPath = nameOrPath.includes('/') || nameOrPath.endsWith('.json');
  return isPath ? resolve(nameOrPath) : join(dir, `${nameOrPath}.json`);
}

/** A name in profiles/ or a path to a JSON file. Errors name the file, the field and the rule. */
/** A profile is a few hundred bytes; this is generous. */
const MAX_PROFILE_BYTES = 1024 * 1024;

export function loadProfile(
  nameOrPath: string = DEFAULT_PROFILE,
  dir = defaultProfilesDir(),
): Profile {
  const file = profileFile(nameOrPath, dir);
  const byName = file === join(dir, `${nameOrPath}.json`);
  if (!existsSync(file)) {
    if (byName && nameOrPath === DEFAULT_PROFILE) return EMBEDDED_PROFILE;
    const known = listProfiles(dir).join(', ') || '(none)';
    throw new ProfileError(
      `unknown profile "${nameOrPath}" (no ${file}); known profiles: ${known}, or give a path to a .json file`,
    );
  }
  let text: string;
  try {
    // A regular file only: a FIFO would block the command for ever, deaf to signals.
    text = readRegularFile(file, MAX_PROFILE_BYTES, 'the profile').toString('utf8');
  } catch (error) {
    if (error instanceof FileRefusedError) throw new ProfileError(error.message);
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ProfileError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ProfileError(`${file}: invalid profile\n${describeProfileIssues(parsed.error)}`);
  }
  // A profile found by name must carry that name, or reports would say another machine.
  if (byName && parsed.data.name !== nameOrPath) {
    throw new ProfileError(
      `${file}: invalid profile\n  name: expected "${nameOrPath}" (the file's name), got "${parsed.data.name}"`,
    );
  }
  return parsed.data;
}

/** One "  field: what was expected" line per issue; a missing field says so. */
export function describeProfileIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.join('.') || '(top level)';
      const missing = / received undefined$/.test(issue.message);
      const message = missing
        ? `missing; ${issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')}`
        : issue.message;
      return `  ${field}: ${message}`;
    })
    .join('\n');
}
