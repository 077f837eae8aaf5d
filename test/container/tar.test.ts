import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tar } from '../../source/runtimes/container/tar.js';

const scratch = mkdtempSync(join(tmpdir(), 'nebula-tar-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('build context tar', () => {
  it('is read back by the system tar with names, sizes, modes and bytes intact', () => {
    const binary = Buffer.from(Array.from({ length: 1537 }, (_, i) => i % 251));
    const archive = join(scratch, 'context.tar');
    writeFileSync(
      archive,
      tar([
        { name: 'Dockerfile', data: Buffer.from('FROM scratch\n'), mode: 0o644 },
        { name: 'function', data: binary, mode: 0o755 },
        { name: 'empty', data: Buffer.alloc(0), mode: 0o600 },
      ]),
    );
    execFileSync('tar', ['-xf', archive, '-C', scratch]);
    assert.equal(readFileSync(join(scratch, 'Dockerfile'), 'utf8'), 'FROM scratch\n');
    assert.deepEqual(readFileSync(join(scratch, 'function')), binary);
    assert.equal(statSync(join(scratch, 'function')).mode & 0o777, 0o755);
    assert.equal(statSync(join(scratch, 'empty')).size, 0);
  });

  it('refuses paths, which a flat build context does not need', () => {
    assert.throws(
      () => tar([{ name: 'a/b', data: Buffer.alloc(1), mode: 0o644 }]),
      /plain file name/,
    );
  });
});
