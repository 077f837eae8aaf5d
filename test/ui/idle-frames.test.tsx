/**
 * The console draws only when something it shows has changed: over an idle stretch with a
 * power source up, the Docker engine being asked again and again, and the Wasm worker
 * waiting, it draws no frame at all; a batch of readings is one frame, not one per reading.
 * The test renderer draws every React commit, so its frame count is a render counter.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ScriptedSource } from '../power/scripted-source.js';
import { type Harness, MISSING_DOCKER, startConsole } from './console-harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.dispose();
  harness = null;
});

describe('console frames while idle', { timeout: 60_000 }, () => {
  it('draws nothing while nothing changes, and one frame per batch of readings', async () => {
    const source = new ScriptedSource(3.25);
    // The Docker engine is missing: the console asks it again every 500 ms meanwhile.
    const h = startConsole({ docker: MISSING_DOCKER, createPower: () => source });
    harness = h;
    await h.waitFor(
      (f) =>
        /> │ exponential/.test(f) &&
        f.includes('docker down') &&
        f.includes('3.25 W') &&
        !f.includes('...'),
      'the function list, deploy states, the Docker state and the first reading',
    );
    // Whatever was still on its way (a batched publication) lands first.
    await sleep(500);
    const before = h.frames();
    await sleep(2000);
    assert.equal(h.frames() - before, 0, 'frames drawn while nothing changed');

    // Readings in quick succession reach the screen together, once.
    for (const watts of [3.5, 3.75, 4, 4.25]) source.send(watts);
    await h.waitFor((f) => f.includes('4.25 W'), 'the new readings');
    await sleep(500);
    assert.equal(h.frames() - before, 1, 'frames for one batch of readings');
  });
});
