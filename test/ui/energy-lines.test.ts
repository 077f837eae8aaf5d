import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
