/**
 * The manifest and profile loaders on any file: a valid one loads, anything else fails
 * with the loader's own error naming the file and, for a wrong field, that field.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { CatalogError, loadFunction } from '../../source/catalog/catalog.js';
import { manifestSchema } from '../../source/catalog/manifest.js';
import { loadProfile, ProfileError } from '../../source/profiles/load.js';
import { profileSchema } from '../../source/profiles/schema.js';
import { runs } from './runs.js';

export const LOADER_RUNS = 300;

const dir = mkdtempSync(join(tmpdir(), 'nebula-loaders-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const repo = new URL('../../../', import.meta.url);
const validManifest = JSON.parse(
  readFileSync(new URL('functions/faulty/function.json', repo), 'utf8'),
) as Record<string, unknown>;
const validProfile = JSON.parse(readFileSync(new URL('profiles/pi.json', repo), 'utf8')) as Record<
  string,
  unknown
>;

/** Text that is mostly not JSON, some JSON, and some near-misses of the valid file. */
function fileText(valid: Record<string, unknown>) {
  const keys = Object.keys(valid);
  const mutated = fc
    .tuple(fc.constantFrom(...keys), fc.oneof(fc.jsonValue(), fc.constant(undefined)))
    .map(([key, value]) => JSON.stringify({ ...valid, [key]: value }));
  const extraKey = fc
    .tuple(fc.string({ minLength: 1 }), fc.jsonValue())
    .map(([key, value]) => JSON.stringify({ ...valid, [key]: value }));
  const truncated = fc
    .nat({ max: JSON.stringify(valid).length })
    .map((end) => JSON.stringify(valid).slice(0, end));
  return fc.oneof(
    fc.string(),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    fc.jsonValue().map((value) => JSON.stringify(value) ?? ''),
    mutated,
    extraKey,
    truncated,
  );
}

/** The fields a schema complains about, as the loaders write them ("  field: ..."). */
function complained(message: string): string[] {
  return [...message.matchAll(/^ {2}([^:\n]+):/gm)].map((match) => match[1] as string);
}

describe('the manifest loader', () => {
  it(`loads what the schema accepts and names the file and field of anything else (${LOADER_RUNS} cases)`, () => {
    const fnDir = join(dir, 'fn');
    fc.assert(
      fc.property(fileText(validManifest), (text) => {
        rmSync(fnDir, { recursive: true, force: true });
        mkdirpSync(fnDir);
        writeFileSync(join(fnDir, 'function.json'), text);
        let json: unknown;
        let isJson = true;
        try {
          json = JSON.parse(text);
        } catch {
          isJson = false;
        }
        const accepted = isJson && manifestSchema.safeParse(json).success;
        try {
          const entry = loadFunction(fnDir);
          assert.ok(accepted, 'loaded a manifest the schema refuses');
          assert.equal(entry.name, entry.manifest.name);
        } catch (error) {
          assert.ok(error instanceof CatalogError, `not a CatalogError: ${error}`);
          assert.ok(!accepted, `refused a valid manifest: ${error.message}`);
          assert.ok(error.message.startsWith(join(fnDir, 'function.json')), error.message);
          if (isJson) assert.ok(complained(error.message).length > 0, error.message);
          else assert.match(error.message, /not valid JSON/);
        }
      }),
      runs(LOADER_RUNS),
    );
  });
});

describe('the profile loader', () => {
  it(`loads what the schema accepts and names the file and field of anything else (${LOADER_RUNS} cases)`, () => {
    const file = join(dir, 'profile-under-test.json');
    fc.assert(
      fc.property(fileText(validProfile), (text) => {
        writeFileSync(file, text);
        let json: unknown;
        let isJson = true;
        try {
          json = JSON.parse(text);
        } catch {
          isJson = false;
        }
        const accepted = isJson && profileSchema.safeParse(json).success;
        try {
          loadProfile(file, dir);
          assert.ok(accepted, 'loaded a profile the schema refuses');
        } catch (error) {
          assert.ok(error instanceof ProfileError, `not a ProfileError: ${error}`);
          assert.ok(!accepted, `refused a valid profile: ${error.message}`);
          assert.ok(error.message.startsWith(file), error.message);
          if (isJson) assert.ok(complained(error.message).length > 0, error.message);
          else assert.match(error.message, /not valid JSON/);
        }
      }),
      runs(LOADER_RUNS),
    );
  });
});

function mkdirpSync(path: string): void {
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true });
}
