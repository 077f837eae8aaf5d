import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import {
  brokerSlot,
  brokerStatus,
  feedPower,
  POWER_REFRESH_MS,
  powerLabel,
} from '../../source/console/power-feed.js';
import type { Action } from '../../source/console/reducer.js';
import type { ConsoleStore } from '../../source/console/store.js';
import type { PowerConfig } from '../../source/profiles/schema.js';
import { ScriptedSource } from '../power/scripted-source.js';

const modbus = (simulated?: boolean): PowerConfig => ({
  source: 'modbus',
  device: 'gude',
  host: '192.0.2.20',
  port: 502,
  unitId: 1,
  line: 1,
  phase: 1,
  pollHz: 10,
  timeoutMs: 1000,
  powerFrom: 'voltage-current-pf',
  ...(simulated === undefined ? {} : { simulated }),
});

describe('the console names a Modbus meter', () => {
  it('a plug (a real meter), or simulated when the profile says so', () => {
    assert.equal(powerLabel(modbus()), 'plug');
    assert.equal(powerLabel(modbus(true)), 'simulated');
  });

  it('shows the meter address and its state where a broker would be', () => {
    const status = brokerStatus(brokerSlot(modbus()), {
      state: 'down',
      source: 'modbus gude 192.0.2.20:502 line 1',
      lastError: 'meter 192.0.2.20:502 unreachable: TCP Connection Timed Out',
      lastSampleAt: null,
      samples: 0,
      rejected: 0,
    });
    assert.deepEqual(status, {
      state: 'down',
      address: 'modbus://192.0.2.20:502',
      detail: 'meter 192.0.2.20:502 unreachable: TCP Connection Timed Out',
    });
  });
});

describe('readings reach the screen', () => {
  afterEach(() => mock.timers.reset());

  /** The batches of readings the store was sent, on a clock the test moves. */
  async function feed() {
    mock.timers.enable({ apis: ['setTimeout'] });
    let clock = 0;
    const batches: number[][] = [];
    const store = {
      current: { power: null },
      changePending: false,
      dispatch(action: Action) {
        if (action.type === 'power-sample') batches.push(action.watts);
      },
    } as unknown as ConsoleStore & { changePending: boolean };
    const source = new ScriptedSource();
    await source.start();
    const stop = feedPower(
      source,
      { label: 'estimate', slot: { none: 'estimate' } },
      store,
      POWER_REFRESH_MS,
      () => clock,
    );
    const advance = (ms: number) => {
      clock += ms;
      mock.timers.tick(ms);
    };
    return { source, batches, advance, stop, store };
  }

  it('the first reading at once, then those of a refresh period together', async () => {
    const { source, batches, advance, stop } = await feed();
    source.send(3);
    assert.deepEqual(batches, [[3]], 'the first reading is not held back');
    const perSecond = [3.1, 3.2, 3.3, 3.4, 3.5, 3.6, 3.7, 3.8, 3.9];
    for (const watts of perSecond) {
      advance(1000);
      source.send(watts);
    }
    assert.equal(batches.length, 1, 'readings of one refresh period wait for each other');
    advance(POWER_REFRESH_MS - 9000);
    assert.deepEqual(batches, [[3], perSecond], 'every reading arrives, in order, in one batch');
    stop();
  });

  it('a reading joins at once a frame that other changes bring', async () => {
    const { source, batches, advance, stop, store } = await feed();
    source.send(3);
    advance(1000);
    source.send(3.1);
    assert.deepEqual(batches, [[3]], 'nothing else changed: the reading waits');
    store.changePending = true;
    advance(1000);
    source.send(3.2);
    assert.deepEqual(batches, [[3], [3.1, 3.2]], 'a frame is coming: the waiting readings join it');
    store.changePending = false;
    advance(1000);
    source.send(3.3);
    assert.equal(batches.length, 2, 'quiet again: the next reading waits for the refresh');
    advance(POWER_REFRESH_MS);
    assert.deepEqual(batches, [[3], [3.1, 3.2], [3.3]]);
    stop();
  });

  it('a reading after a quiet stretch at once; nothing after unsubscribing', async () => {
    const { source, batches, advance, stop } = await feed();
    source.send(3);
    advance(POWER_REFRESH_MS + 5000);
    source.send(4);
    assert.deepEqual(batches, [[3], [4]]);
    advance(1000);
    source.send(5);
    stop();
    advance(POWER_REFRESH_MS);
    assert.deepEqual(batches, [[3], [4]], 'a batch still waiting when the feed stops is dropped');
  });
});
