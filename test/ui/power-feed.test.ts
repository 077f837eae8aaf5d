import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brokerSlot, brokerStatus, powerLabel } from '../../source/console/power-feed.js';
import type { PowerConfig } from '../../source/profiles/schema.js';

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
