/**
 * The rooms check of `npm run lint` (.dependency-cruiser.cjs, rules read from the rooms
 * table of docs/ARCHITECTURE.md) run on a small tree of its own: it passes imports that run
 * down the table, and refuses each wrong one naming its rule.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = new URL('../../../', import.meta.url).pathname;
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const config = join(root, '.dependency-cruiser.cjs');
const scratch = mkdtempSync(join(tmpdir(), 'nebula-rooms-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A tree of source files (path under source/ to text) with a tsconfig, checked by the rules. */
function check(name: string, files: Record<string, string>): { status: number; output: string } {
  const dir = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'source', path)), { recursive: true });
    writeFileSync(join(dir, 'source', path), text);
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }),
  );
  const run = spawnSync(
    process.execPath,
    [depcruise, 'source', '--config', config, '--output-type', 'err'],
    { cwd: dir, encoding: 'utf8' },
  );
  assert.equal(run.error, undefined, `depcruise did not run: ${run.error?.message}`);
  return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}

describe('the rooms check', { timeout: 60_000 }, () => {
  it('passes imports that run down the table', () => {
    const { status, output } = check('down', {
      'core/plan.ts': 'export const plan = 1;\n',
      'cli/run.ts': "import { plan } from '../core/plan.js';\nexport const run = plan;\n",
      'session/log.ts': "import { plan } from '../core/plan.js';\nexport const log = plan;\n",
    });
    assert.equal(status, 0, output);
    assert.match(output, /no dependency violations found/);
  });

  it('refuses a back-arrow, a room its row does not name, a cycle and Ink outside ui/', () => {
    const { status, output } = check('wrong', {
      'cli/run.ts': 'export const run = 1;\n',
      'core/plan.ts': "import { run } from '../cli/run.js';\nexport const plan = run;\n",
      'engine/engine.ts': 'export const engine = 1;\n',
      'session/log.ts':
        "import { engine } from '../engine/engine.js';\nexport const log = engine;\n",
      'catalog/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'catalog/b.ts': "import type { a } from './a.js';\nexport const b: typeof a | null = null;\n",
      'engine/draw.ts': "import { Box } from 'ink';\nexport const draw = Box;\n",
    });
    assert.notEqual(status, 0, output);
    const errors = output.split('\n').filter((line) => line.includes('error '));
    const has = (rule: string, from: string, to: string) =>
      errors.some((line) => line.includes(`error ${rule}: source/${from} → ${to}`));
    // core/ is the bottom room: cli/ is above it, and its row names no room.
    assert.ok(has('no-back-arrow', 'core/plan.ts', 'source/cli/run.ts'), output);
    assert.ok(has('room-imports', 'core/plan.ts', 'source/cli/run.ts'), output);
    // engine/ is below session/, but session's row names only catalog/ and core/.
    assert.ok(has('room-imports', 'session/log.ts', 'source/engine/engine.ts'), output);
    assert.ok(!has('no-back-arrow', 'session/log.ts', 'source/engine/engine.ts'), output);
    // A type-only import closes a cycle too; the cycle is printed one module a line.
    assert.match(
      output,
      /error no-circular: source\/catalog\/[ab]\.ts → \s+source\/catalog\/[ab]\.ts/,
    );
    assert.ok(has('only-ui-draws', 'engine/draw.ts', 'ink'), output);
    assert.equal(errors.length, 5, output);
  });

  it('stops at a folder the table does not list, naming it', () => {
    const { status, output } = check('unlisted', {
      'core/plan.ts': 'export const plan = 1;\n',
      'plugins/extra.ts': "import { plan } from '../core/plan.js';\nexport const extra = plan;\n",
    });
    assert.notEqual(status, 0, output);
    assert.match(output, /source\/plugins\/ is not a room of docs\/ARCHITECTURE\.md/);
  });
});
