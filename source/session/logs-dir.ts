import { join, resolve } from 'node:path';
import { defaultFunctionsDir } from '../catalog/catalog.js';

/** logs/ beside functions/ in the repository, unless NEBULA_LOGS_DIR says otherwise. */
export function defaultLogsDir(): string {
  if (process.env.NEBULA_LOGS_DIR) return resolve(process.env.NEBULA_LOGS_DIR);
  return join(defaultFunctionsDir(), '..', 'logs');
}

/** <time>-<profile>.jsonl, the time in UTC without colons so every file system takes it. */
export function sessionFileName(profile: string, startedAt: number): string {
  const stamp = new Date(startedAt)
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const safeProfile = profile.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${stamp}-${safeProfile}.jsonl`;
}
