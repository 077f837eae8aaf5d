/** Where the plan picker looks for plans, and how its thinning steps. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { nextThin, planDirs, planEntry, planFiles } from '../../source/console/plan-list.js';
import { DEFAULT_EXPERIMENT_SETTINGS } from '../../source/measure/plan-from-profile.js';

const root = mkdtempSync(join(tmpdir(), 'nebula-plan-list-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('the plan picker list', () => {
  it("takes the repository's plans/, then NEBULA_PLANS_DIR or the XDG folder when it exists", () => {
    const [shipped, ...rest] = planDirs({ XDG_CONFIG_HOME: join(root, 'none') });
    assert.match(shipped ?? '', /\/plans$/);
    assert.deepEqual(rest, [], 'a folder that does not exist is left out');
    const own = join(root, 'xdg', 'nebula', 'plans');
    mkdirSync(own, { recursive: true });
    assert.deepEqual(planDirs({ XDG_CONFIG_HOME: join(root, 'xdg') }).slice(1), [own]);
    assert.deepEqual(
      planDirs({ XDG_CONFIG_HOME: join(root, 'xdg'), NEBULA_PLANS_DIR: root }).slice(1),
      [root],
      'NEBULA_PLANS_DIR replaces the XDG folder',
    );
    writeFileSync(join(own, 'b.json'), '{}');
    writeFileSync(join(own, 'a.json'), '{}');
    writeFileSync(join(own, 'notes.txt'), '');
    const files = planFiles([shipped as string, own]);
    assert.deepEqual(
      files.map((file) => file.split('/').slice(-1)[0]),
      ['thesis-conditions.json', 'thesis.json', 'a.json', 'b.json'],
      'the schema and other files left out',
    );
  });

  it('thins through 1 2 3 5 10 20 50 100, staying at the ends', () => {
    const up: number[] = [1];
    for (let i = 0; i < 9; i++) up.push(nextThin(up.at(-1) as number, 1));
    assert.deepEqual(up, [1, 2, 3, 5, 10, 20, 50, 100, 100, 100]);
    assert.equal(nextThin(10, -1), 5);
    assert.equal(nextThin(1, -1), 1);
    assert.equal(nextThin(7, -1), 5, 'a K between the steps goes to the step below the next');
  });

  it('lists a file it cannot use with the reason, whatever fails, and goes on', () => {
    const file = join(root, 'named.json');
    writeFileSync(
      file,
      JSON.stringify({
        nebulaPlan: 1,
        name: 'named',
        runtimes: ['wasm'],
        functions: [{ name: 'hello', inputs: [''] }],
      }),
    );
    const settings = DEFAULT_EXPERIMENT_SETTINGS;
    const down = planEntry(file, {
      thin: 1,
      settings,
      fn: () => {
        throw new Error('the gateway did not answer');
      },
    });
    assert.deepEqual([down.name, down.error], ['named', 'the gateway did not answer']);
    const folder = join(root, 'folder.json');
    mkdirSync(folder);
    const unreadable = planEntry(folder, { thin: 1, settings, fn: () => assert.fail() });
    assert.equal(unreadable.name, 'folder.json');
    assert.match(unreadable.error ?? '', /cannot read the plan .*folder\.json/);
  });
});
