import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { energyRatio } from '../../source/console/experiment.js';
import type { CellEnergy } from '../../source/measure/block-figures.js';
import { sig } from '../../source/ui/components/PowerPanel.js';

describe('energy figures on the console', () => {
  it('keep three significant digits and never show an exponent', () => {
    assert.equal(sig(0.712), '0.712');
    assert.equal(sig(12.34), '12.3');
    assert.equal(sig(1234.5), '1235');
    assert.equal(sig(0.00123), '0.00123');
    // A net of idle equal to the load is a rounding residue, not a figure.
    assert.equal(sig(7.07e-16), '0.0000');
    assert.equal(sig(-6.6e-15), '-0.0000');
    assert.equal(sig(null), '-');
  });
});

describe('the container/Wasm energy ratio on the console', () => {
  const cell = (runtime: string, nets: Array<number | null>, gross: number) =>
    ({
      cell: `hello/${runtime}/warm/""`,
      blocks: nets.map((net) => ({
        netMicroWhPerInvocation: net,
        grossMicroWhPerInvocation: gross,
      })),
    }) as unknown as CellEnergy;

  it('is net where both nets are above zero', () => {
    const ratio = energyRatio([cell('wasm', [1, 1], 5), cell('container', [4, 4], 20)]);
    assert.deepEqual([ratio?.basis, ratio?.ratio], ['net', 4]);
  });

  it('falls back to gross when a net is at or below zero (a saturated estimate)', () => {
    for (const nets of [
      [-0.004, -0.004],
      [0, 0],
    ]) {
      const ratio = energyRatio([cell('wasm', [0.003, 0.003], 8), cell('container', nets, 20)]);
      assert.deepEqual([ratio?.basis, ratio?.ratio], ['gross', 2.5]);
    }
    const both = energyRatio([cell('wasm', [-1, -1], 8), cell('container', [-2, -2], 20)]);
    assert.equal(both?.basis, 'gross', 'two negative nets make a positive number, not a ratio');
  });
});
