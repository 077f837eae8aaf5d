import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CpuMeter,
  modelWatts,
  PI4_MODEL,
  ProcessCpuMeter,
  parseProcessStat,
  parseProcStat,
} from '../../source/power/cpu.js';
import { EstimatePowerSource } from '../../source/power/estimate-source.js';
import { findRaplDomains, RaplPowerSource } from '../../source/power/rapl-source.js';
import { measureBaseline, type PowerRecord, withPower } from '../../source/power/record.js';
import type { PowerSample } from '../../source/power/sample.js';
import { waitFor } from './broker.js';

describe('CPU estimate', { timeout: 30_000 }, () => {
  it('reads busy and total jiffies from /proc/stat', () => {
    const times = parseProcStat('cpu  100 5 50 800 40 3 2 0 7 0\ncpu0 1 2 3 4\n');
    assert.deepEqual(times, { busy: 160, total: 1000 });
    assert.throws(() => parseProcStat('intr 1 2 3\n'), /no aggregate "cpu" line/);
  });

  it("reads one process's CPU time, the command name's spaces and parentheses aside", () => {
    const line = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 9 0 0 0 150 37 0 0 20 0 11 0';
    assert.equal(parseProcessStat(line), 187);
    assert.throws(() => parseProcessStat('4242 (node) S'), /no utime and stime/);
    // This process, kept busy for a moment, used some of the machine; a gone one reads idle.
    const meter = new ProcessCpuMeter(process.pid);
    const until = Date.now() + 200;
    while (Date.now() < until) Math.sqrt(Math.random());
    const share = meter.next();
    assert.ok(share > 0 && share <= 1, `share ${share}`);
    assert.equal(new ProcessCpuMeter(2 ** 22 + 1).next(), 0);
  });

  it('models 2.7 W idle and 6.4 W full for a Pi 4, linear between', () => {
    assert.equal(modelWatts(0, PI4_MODEL), 2.7);
    assert.equal(modelWatts(1, PI4_MODEL), 6.4);
    assert.ok(Math.abs(modelWatts(0.5, PI4_MODEL) - 4.55) < 1e-12);
    let stat = 'cpu  0 0 0 1000 0 0 0 0 0 0\n';
    const meter = new CpuMeter(() => stat);
    stat = 'cpu  200 0 50 1750 0 0 0 0 0 0\n'; // 250 busy of 1000 jiffies since
    assert.equal(meter.next(), 0.25);
    assert.equal(meter.next(), 0, 'no time passed: nothing to divide, idle');
  });

  it('samples this machine once a period, labelled estimate, within the model', async () => {
    const source = new EstimatePowerSource({ ...PI4_MODEL, periodMs: 100 });
    const samples: PowerSample[] = [];
    source.on('sample', (s) => samples.push(s));
    await source.start();
    try {
      await waitFor(() => samples.length >= 5, 10_000, 'five estimates');
      assert.equal(source.status().state, 'up');
      for (const s of samples) {
        assert.equal(s.source, 'estimate');
        assert.equal(s.simulated, false);
        assert.equal(s.sourceTime, null);
        assert.ok(s.watts >= 2.7 && s.watts <= 6.4, `${s.watts} W outside 2.7..6.4`);
      }
    } finally {
      await source.stop();
    }
    const count = samples.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(samples.length, count, 'no sample after stop()');
  });

  it('measures a baseline and records a run into session log records', async () => {
    const source = new EstimatePowerSource({ idleWatts: 3, fullWatts: 3, periodMs: 100 });
    await source.start();
    try {
      const baseline = await measureBaseline(source, 1);
      assert.ok(baseline.samples >= 1);
      assert.ok(BigInt(baseline.window.endNs) > BigInt(baseline.window.startNs));
      // A loaded machine can stall the timer long enough to count as a gap; then it says so.
      if (baseline.watts === null) assert.match(baseline.reason ?? '', /no reading for|samples in/);
      else
        assert.ok(Math.abs(baseline.watts - 3) < 1e-9, `baseline ${baseline.watts} W, expected 3`);
      const written: PowerRecord[] = [];
      const run = await withPower(
        source,
        (r) => written.push(r),
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 500));
          return 'done';
        },
      );
      assert.equal(run.result, 'done');
      assert.ok(run.samples.length >= 1);
      assert.equal(written.length, run.samples.length);
      assert.equal(written[0]?.type, 'power');
      // The window brackets the run (timers may fire a hair early on the monotonic clock).
      assert.ok(run.window.endNs > run.window.startNs);
    } finally {
      await source.stop();
    }
  });
});

describe('RAPL counters', { timeout: 10_000 }, () => {
  it('says so when the machine has none', async () => {
    const source = new RaplPowerSource('/nonexistent/powercap');
    await assert.rejects(source.start(), /exposes no RAPL counters; use source "estimate"/);
    assert.equal(source.status().state, 'stopped');
  });

  it('turns energy_uj counters into watts, across a wrap', async () => {
    // The kernel's sysfs layout, in a temporary directory.
    const dir = mkdtempSync(join(tmpdir(), 'nebula-powercap-'));
    try {
      const domain = join(dir, 'intel-rapl:0');
      mkdirSync(domain);
      mkdirSync(join(dir, 'intel-rapl:0:0'));
      writeFileSync(join(domain, 'max_energy_range_uj'), '1000000000');
      writeFileSync(join(domain, 'energy_uj'), '999000000');
      assert.equal(findRaplDomains(dir).length, 1);
      const source = new RaplPowerSource(dir, 200);
      const samples: PowerSample[] = [];
      source.on('sample', (s) => samples.push(s));
      await source.start();
      const started = process.hrtime.bigint();
      // 5 W: 5 J/s = 5e6 uJ/s, written on its own clock; the first step wraps past the maximum.
      const writer = setInterval(() => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        writeFileSync(
          join(domain, 'energy_uj'),
          String(Math.round(999000000 + 5e6 * seconds) % 1000000000),
        );
      }, 10);
      try {
        await waitFor(() => samples.length >= 4, 5000, 'four RAPL samples');
      } finally {
        clearInterval(writer);
        await source.stop();
      }
      for (const s of samples.slice(1))
        assert.ok(Math.abs(s.watts - 5) < 0.5, `${s.watts} W, expected about 5`);
      assert.equal(samples[0]?.source, 'rapl');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
