/** The first record of a session: what ran, where, so a log is read correctly years later. */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { arch, cpus, hostname, platform, release } from 'node:os';
import type { FunctionEntry } from '../catalog/catalog.js';
import { updateWithFile } from '../catalog/file-hash.js';
import { processEmulation } from '../core/emulation.js';
import { nebulaVersion } from '../core/version.js';
import { cpuGovernor, loadAverages } from './host-facts.js';
import { type FunctionHashes, type HeaderRecord, LOG_FORMAT_VERSION } from './records.js';

export function sha256File(path: string): string | null {
  if (!existsSync(path)) return null;
  return updateWithFile(createHash('sha256'), path).digest('hex');
}

export function functionHashes(fn: FunctionEntry): FunctionHashes {
  return {
    wasm: sha256File(fn.wasmPath),
    component: sha256File(fn.componentPath),
    native: sha256File(fn.nativePath),
  };
}

export function sessionHeader(
  profile: string,
  functions: readonly FunctionEntry[],
  startedAt = Date.now(),
): HeaderRecord {
  const cores = cpus();
  const emulation = processEmulation();
  const { governor, note } = cpuGovernor();
  return {
    type: 'header',
    format: LOG_FORMAT_VERSION,
    startedAt,
    profile,
    machine: {
      hostname: hostname(),
      os: `${platform()} ${release()}`,
      arch: arch(),
      ...(emulation ? { emulation } : {}),
      emulated: emulation !== null,
    },
    cpu: {
      model: cores[0]?.model.trim() ?? 'unknown',
      cores: cores.length,
      // 0 where the kernel does not tell (virtual machines): recorded as unknown.
      mhz: cores[0]?.speed || null,
      governor,
      governorNote: note,
    },
    loadAverage: loadAverages(),
    node: process.version,
    v8: process.versions.v8,
    nebula: nebulaVersion(),
    functions: Object.fromEntries(functions.map((fn) => [fn.name, functionHashes(fn)])),
  };
}

export { nebulaVersion };
