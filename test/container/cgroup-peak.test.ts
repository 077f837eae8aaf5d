/**
 * CgroupPeak over a fake cgroup tree: v1 and v2 file names, the parent removed after the read,
 * and a clear note wherever a peak cannot be read (remote engine, systemd driver, no tree).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type Docker from 'dockerode';
import { parseAddress } from '../../source/runtimes/container/address.js';
import { CgroupPeak } from '../../source/runtimes/container/cgroup-peak.js';

const root = mkdtempSync(join(tmpdir(), 'nebula-cgroup-'));
after(() => rmSync(root, { recursive: true, force: true }));

const local = parseAddress('unix:///run/docker.sock', 'profile');
const engineSaying = (info: object) => ({ info: async () => info }) as unknown as Docker;

describe('peak memory from a cgroup made for one invocation', () => {
  it('cgroup v1: memory/<parent>/memory.max_usage_in_bytes, then the parent is gone', async () => {
    const v1 = join(root, 'v1');
    mkdirSync(join(v1, 'memory'), { recursive: true });
    mkdirSync(join(v1, 'pids'), { recursive: true });
    const peak = await CgroupPeak.detect(
      engineSaying({ CgroupDriver: 'cgroupfs', CgroupVersion: '1' }),
      local,
      'sess',
      v1,
    );
    const parent = peak.parentFor();
    assert.equal(parent, '/nebula-peak/sess/1');
    assert.equal(peak.parentFor(), '/nebula-peak/sess/2', 'a new parent every time');
    // What runc leaves: the parent in every controller, the container's own cgroup gone.
    for (const controller of ['memory', 'pids'])
      mkdirSync(join(v1, controller, parent as string), { recursive: true });
    writeFileSync(join(v1, 'memory', parent as string, 'memory.max_usage_in_bytes'), '4091904\n');
    assert.deepEqual(peak.read(parent, v1), { peakBytes: 4091904, source: 'cgroup-v1' });
    // rmdir of a real cgroup drops its pseudo-files; here the file keeps the memory one.
    assert.equal(existsSync(join(v1, 'pids', parent as string)), false);
  });

  it('cgroup v2: <parent>/memory.peak', async () => {
    const v2 = join(root, 'v2');
    mkdirSync(v2, { recursive: true });
    writeFileSync(join(v2, 'cgroup.controllers'), 'memory pids\n');
    const peak = await CgroupPeak.detect(
      engineSaying({ CgroupDriver: 'cgroupfs', CgroupVersion: '2' }),
      local,
      's2',
      v2,
    );
    const parent = peak.parentFor() as string;
    mkdirSync(join(v2, parent), { recursive: true });
    writeFileSync(join(v2, parent, 'memory.peak'), '123456\n');
    assert.deepEqual(peak.read(parent, v2), { peakBytes: 123456, source: 'cgroup-v2' });
  });

  it('says why when it cannot read a peak', async () => {
    const remote = await CgroupPeak.detect(
      engineSaying({ CgroupDriver: 'cgroupfs' }),
      parseAddress('tcp://192.0.2.1:2375', 'profile'),
      's',
      root,
    );
    assert.equal(remote.parentFor(), undefined);
    assert.match(remote.read(undefined).note ?? '', /not on this machine/);
    const systemd = await CgroupPeak.detect(
      engineSaying({ CgroupDriver: 'systemd' }),
      local,
      's',
      root,
    );
    assert.match(systemd.unavailable ?? '', /driver is systemd, not cgroupfs/);
    const hidden = await CgroupPeak.detect(
      engineSaying({ CgroupDriver: 'cgroupfs', CgroupVersion: '1' }),
      local,
      's',
      join(root, 'nowhere'),
    );
    assert.match(hidden.unavailable ?? '', /not visible here/);
    const v1 = join(root, 'v1b');
    mkdirSync(join(v1, 'memory'), { recursive: true });
    const unreadable = await CgroupPeak.detect(
      engineSaying({ CgroupDriver: 'cgroupfs', CgroupVersion: '1' }),
      local,
      's',
      v1,
    );
    const read = unreadable.read(unreadable.parentFor(), v1);
    assert.equal(read.peakBytes, null);
    assert.match(read.note ?? '', /cannot read .*memory\.max_usage_in_bytes/);
  });
});
