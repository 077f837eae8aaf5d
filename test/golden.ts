/**
 * Golden files: a rendered text compared byte for byte with a file under test/fixtures/.
 * After a deliberate change, `UPDATE_GOLDEN=1 npm test` rewrites them; read the diff.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** test/fixtures/ of the source tree (the tests run from dist/test/). */
export const fixturesDir = new URL('../../test/fixtures/', import.meta.url).pathname;

/** Asserts that `actual` is the golden file `name` (a path under test/fixtures/). */
export function assertGolden(name: string, actual: string): void {
  const file = join(fixturesDir, name);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  assert.ok(existsSync(file), `${file} is missing; create it with UPDATE_GOLDEN=1 npm test`);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from the golden file`);
}
