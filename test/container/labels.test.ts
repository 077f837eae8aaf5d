import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type MachineIdentity,
  ownerIsDead,
  ownerLabel,
} from '../../source/runtimes/container/labels.js';

const pi: MachineIdentity = {
  machineId: 'a'.repeat(32),
  bootId: '11111111-2222-3333-4444-555555555555',
  pidNamespace: '4026531836',
};
const otherPi: MachineIdentity = {
  machineId: 'b'.repeat(32),
  bootId: '66666666-7777-8888-9999-000000000000',
  pidNamespace: '4026531836',
};
const gone = () => 'gone' as const;
const startedAt = (start: string) => () => start;

describe('container ownership by machine identity', () => {
  it('a process of this machine and boot that is gone owns containers to sweep', () => {
    assert.equal(ownerIsDead(ownerLabel(4242, pi, '100'), pi, gone), true);
  });

  it('a live process keeps its containers; a reused pid does not', () => {
    assert.equal(ownerIsDead(ownerLabel(4242, pi, '100'), pi, startedAt('100')), false);
    assert.equal(ownerIsDead(ownerLabel(4242, pi, '100'), pi, startedAt('999')), true);
  });

  it('an earlier boot of this machine is over: its containers are swept', () => {
    const before = { ...pi, bootId: '00000000-0000-0000-0000-000000000000' };
    assert.equal(ownerIsDead(ownerLabel(4242, before, '100'), pi, startedAt('100')), true);
  });

  it('another machine with the same host name and pid is never judged dead', () => {
    assert.equal(ownerIsDead(ownerLabel(4242, otherPi, '100'), pi, gone), false);
    assert.equal(ownerIsDead('raspberrypi:4242:100', pi, gone), false);
  });

  it('another pid namespace on this boot is someone else (a container on the same host)', () => {
    const inContainer = { ...pi, pidNamespace: '4026532000' };
    assert.equal(ownerIsDead(ownerLabel(1, inContainer, '5'), pi, gone), false);
  });

  it('without a boot id of its own, this machine judges nothing dead', () => {
    assert.equal(ownerIsDead(ownerLabel(4242, pi, '1'), { ...pi, bootId: null }, gone), false);
  });

  it('without machine ids, the boot and pid namespace still tell', () => {
    const bare = { ...pi, machineId: null };
    assert.equal(ownerIsDead(ownerLabel(4242, bare, '1'), bare, gone), true);
    assert.equal(ownerIsDead(ownerLabel(4242, bare, '1'), pi, gone), false);
    assert.equal(
      ownerIsDead(ownerLabel(4242, { ...bare, bootId: otherPi.bootId }, '1'), bare, gone),
      false,
    );
  });

  it('damaged labels are never ours', () => {
    for (const label of [undefined, '', 'm1', 'm1:a:b:c:d:e', `m1:${'a'.repeat(32)}:x:y:-1:1`]) {
      assert.equal(ownerIsDead(label, pi, gone), false, String(label));
    }
  });
});
