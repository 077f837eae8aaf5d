import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Admission } from '../../source/gateway/admission.js';

describe('admission', { timeout: 5000 }, () => {
  it('runs N, queues M in order, refuses beyond, and hands slots on', async () => {
    const admission = new Admission(2, 2);
    const first = await admission.enter();
    const second = await admission.enter();
    const order: number[] = [];
    const inOrder = (n: number) => (release: () => void) => {
      order.push(n);
      return release;
    };
    const third = admission.enter()?.then(inOrder(3));
    const fourth = admission.enter()?.then(inOrder(4));
    assert.ok(first && second && third && fourth);
    assert.equal(admission.enter(), null, 'the fifth is refused');
    assert.deepEqual([admission.inFlight, admission.queued], [2, 2]);
    first();
    first(); // a second release of the same ticket frees nothing
    const releaseThird = await third;
    assert.deepEqual([admission.inFlight, admission.queued], [2, 1]);
    second();
    const releaseFourth = await fourth;
    assert.deepEqual(order, [3, 4]);
    let idle = false;
    const whenIdle = admission.idle().then(() => {
      idle = true;
    });
    releaseThird();
    await Promise.resolve();
    assert.equal(idle, false);
    releaseFourth();
    await whenIdle;
    assert.deepEqual([admission.inFlight, admission.queued], [0, 0]);
  });

  it('refuses nonsense limits', () => {
    assert.throws(() => new Admission(0, 1), /maxConcurrent must be a whole number >= 1/);
    assert.throws(() => new Admission(1, -1), /maxQueued must be a whole number >= 0/);
  });
});
