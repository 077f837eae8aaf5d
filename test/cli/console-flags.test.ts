/**
 * The console's V8 flags are written in three places that must agree: nebula-tui's first
 * line (used when it runs as a command), scripts/console.sh, and CONSOLE_NODE_FLAGS (the
 * benchmark). And started through its first line, the console really runs with them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CONSOLE_NODE_FLAGS } from '../../source/core/node-support.js';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const flags = CONSOLE_NODE_FLAGS.join(' ');

describe("the console's V8 flags", () => {
  it('nebula-tui starts with them as a command', () => {
    const first = readFileSync(root('dist/source/cli/nebula-tui.js'), 'utf8').split('\n')[0];
    assert.equal(first, `#!/usr/bin/env -S node ${flags}`);
    // env -S splits the line as the kernel does not: check it gives node the flags.
    const seen = execFileSync('/usr/bin/env', ['-S', `node ${flags} -p process.execArgv`], {
      encoding: 'utf8',
    });
    assert.match(seen, new RegExp(flags.replaceAll('-', '\\-')));
  });

  it('scripts/console.sh passes the same ones', () => {
    const line = readFileSync(root('scripts/console.sh'), 'utf8')
      .split('\n')
      .find((l) => l.includes('nebula-tui.js'));
    assert.equal(line, `exec node ${flags} dist/source/cli/nebula-tui.js "$@"`);
  });
});
