import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRequested, met, targetTable } from '../../source/benchmarks/targets.js';

describe('benchmark targets', () => {
  const throughput = {
    name: 'gateway rps',
    value: 7500,
    unit: 'req/s',
    kind: 'atLeast',
    limit: 8000,
  } as const;
  const ratio = {
    name: 'p99/median',
    value: 2.5,
    unit: 'x',
    kind: 'atMost',
    limit: 3,
    against: 'median',
  } as const;

  it('a figure meets an atLeast target from the limit up and an atMost one from the limit down', () => {
    assert.equal(met(throughput), false);
    assert.equal(met({ ...throughput, value: 8000 }), true);
    assert.equal(met(ratio), true);
    assert.equal(met({ ...ratio, value: 3.01 }), false);
    assert.equal(
      met({ ...ratio, value: Number.NaN }),
      false,
      'a figure that was not obtained is no pass',
    );
  });

  it('the table names each figure, its target and its yardstick, and marks misses', () => {
    const table = targetTable([throughput, ratio]);
    assert.match(table, /MISSED {2}gateway rps: 7500 req\/s, target >= 8000 req\/s/);
    assert.match(table, /met {5}p99\/median: 2\.50 x, target <= 3\.00 x \(against median\)/);
  });

  it('targets are enforced only when asked', () => {
    const saved = process.env.NEBULA_BENCH_CHECK;
    delete process.env.NEBULA_BENCH_CHECK;
    try {
      assert.equal(checkRequested(['node', 'bench.js']), false);
      assert.equal(checkRequested(['node', 'bench.js', '--check']), true);
      process.env.NEBULA_BENCH_CHECK = '1';
      assert.equal(checkRequested(['node', 'bench.js']), true);
    } finally {
      if (saved === undefined) delete process.env.NEBULA_BENCH_CHECK;
      else process.env.NEBULA_BENCH_CHECK = saved;
    }
  });
});
