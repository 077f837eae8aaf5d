/**
 * The Modbus power source against a real Modbus TCP server (modbus-serial's ServerTCP, through
 * Nebula's own Gude simulator) on a free loopback port: readings, a meter that stops
 * answering or goes away and comes back, and registers that hold no valid reading.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  decodeLine,
  encodeFields,
  GUDE_READ_REGISTERS,
  lineAddress,
  type RawFields,
} from '../../source/power/gude-registers.js';
import { ModbusMeterSim, type ModbusSimOptions } from '../../source/power/modbus-sim.js';
import { ModbusPowerSource, type ModbusSourceOptions } from '../../source/power/modbus-source.js';
import type { PowerGap, PowerSample, PowerStatus } from '../../source/power/sample.js';
import { freePort, waitFor } from './broker.js';

const NEBULA = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
const run = promisify(execFile);

const FIELDS: RawFields = {
  energyWh: 1234,
  activePowerW: 5,
  voltageV: 231,
  currentMa: 24,
  frequencyCentiHz: 4998,
  powerFactorMilli: 870,
};

describe('Gude line-in registers', () => {
  it('decodes a line: real power is V x I x PF as reported, or the W register', () => {
    const registers = encodeFields(FIELDS);
    assert.equal(registers.length, GUDE_READ_REGISTERS);
    const derived = decodeLine(registers, 'voltage-current-pf');
    assert.ok(derived.ok);
    assert.equal(derived.reading.watts, 231 * 0.024 * 0.87);
    assert.equal(derived.reading.frequencyHz, 49.98);
    assert.equal(derived.reading.energyWh, 1234);
    const register = decodeLine(registers, 'active-power');
    assert.ok(register.ok);
    assert.equal(register.reading.watts, 5);
  });

  it('puts line n at 0x400 + (n - 1) x 0x120, phase p at + (p - 1) x 0x60', () => {
    assert.equal(lineAddress(1), 0x400);
    assert.equal(lineAddress(2), 0x520);
    assert.equal(lineAddress(1, 3), 0x4c0);
  });

  it('rejects registers that hold no reading, with the reason, and never throws', () => {
    const cases: Array<[string, unknown[], RegExp]> = [
      ['short', encodeFields(FIELDS).slice(0, 5), /expected 12 registers, got 5/],
      ['NaN', Object.assign(encodeFields(FIELDS), { 5: Number.NaN }), /register 5 is not a 16-bit/],
      ['not a number', Object.assign(encodeFields(FIELDS), { 0: 'x' }), /register 0 is not/],
      [
        'negative voltage',
        encodeFields({ ...FIELDS, voltageV: -230 }),
        /voltage -230 V is outside/,
      ],
      ['no mains', encodeFields({ ...FIELDS, voltageV: 0 }), /voltage 0 V is outside/],
      ['negative current', encodeFields({ ...FIELDS, currentMa: -24 }), /current -0.024 A/],
      ['absurd current', encodeFields({ ...FIELDS, currentMa: 900_000 }), /current 900 A/],
      ['power factor', encodeFields({ ...FIELDS, powerFactorMilli: 1500 }), /power factor 1.5/],
      ['absurd power', encodeFields({ ...FIELDS, activePowerW: 2 ** 30 }), /active power/],
      ['inconsistent', encodeFields({ ...FIELDS, activePowerW: 900 }), /disagrees/],
    ];
    for (const [name, registers, reason] of cases) {
      const decoded = decodeLine(registers, 'voltage-current-pf');
      assert.equal(decoded.ok, false, name);
      if (!decoded.ok) assert.match(decoded.reason, reason, name);
    }
  });
});

describe('Modbus power source against a Modbus TCP server', { timeout: 60_000 }, () => {
  const running: Array<{ stop(): Promise<void> }> = [];
  afterEach(async () => {
    for (const thing of running.splice(0).reverse()) await thing.stop();
  });

  async function meter(options: Partial<ModbusSimOptions> = {}): Promise<ModbusMeterSim> {
    const sim = new ModbusMeterSim({ port: 0, periodMs: 50, watts: () => 4.5, ...options });
    await sim.start();
    running.push(sim);
    return sim;
  }

  function source(port: number, options: Partial<ModbusSourceOptions> = {}) {
    const s = new ModbusPowerSource({
      host: '127.0.0.1',
      port,
      unitId: 1,
      line: 1,
      phase: 1,
      pollHz: 20,
      timeoutMs: 200,
      powerFrom: 'voltage-current-pf',
      reconnectMs: 100,
      downAfter: 2,
      ...options,
    });
    const seen = {
      samples: [] as PowerSample[],
      gaps: [] as PowerGap[],
      statuses: [] as PowerStatus[],
      rejected: [] as string[],
    };
    s.on('sample', (sample) => seen.samples.push(sample));
    s.on('gap', (gap) => seen.gaps.push(gap));
    s.on('status', (status) => seen.statuses.push(status));
    s.on('rejected', (reason) => seen.rejected.push(reason));
    running.push(s);
    return { s, seen };
  }

  it('reads real power from the registers, labelled simulated by the meter itself', async () => {
    const sim = await meter();
    const { s, seen } = source(sim.port);
    await s.start();
    await waitFor(() => seen.samples.length >= 5, 10_000, 'five readings');
    // 4.5 W at 230 V and PF 0.9 is 22 mA: the figure is what the registers say, not 4.5.
    const expected = 230 * (Math.round((4.5 / (230 * 0.9)) * 1000) / 1000) * 0.9;
    for (const sample of seen.samples) {
      assert.equal(sample.watts, expected);
      // The registers themselves are kept, so every method can be recomputed from a log.
      assert.equal(sample.meter?.volts, 230);
      assert.equal(sample.meter?.amps, Math.round((4.5 / (230 * 0.9)) * 1000) / 1000);
      assert.equal(sample.meter?.powerFactor, 0.9);
      assert.equal(typeof sample.meter?.energyWh, 'number');
      assert.equal(sample.simulated, true);
      assert.equal(sample.source, `modbus gude 127.0.0.1:${sim.port} line 1`);
    }
    assert.equal(s.status().state, 'up');
    assert.ok(s.identity?.some((item) => item.includes('SIMULATED')));
    assert.equal(s.kind, 'modbus');
  });

  it('goes down when the meter stops answering, records the gap, and recovers', async () => {
    const sim = await meter();
    const { s, seen } = source(sim.port);
    await s.start();
    await waitFor(() => seen.samples.length >= 2, 10_000, 'first readings');
    sim.silent = true;
    await waitFor(() => s.status().state === 'down', 10_000, 'the source to go down');
    assert.match(s.status().lastError ?? '', /Timed out.*2 unanswered reads/);
    assert.ok(seen.statuses.some((status) => status.state === 'stale'));
    const before = seen.samples.length;
    sim.silent = false;
    await waitFor(() => seen.samples.length > before, 10_000, 'readings to come back');
    assert.equal(s.status().state, 'up');
    assert.equal(seen.gaps.length, 1);
    const [gap] = seen.gaps;
    assert.ok(gap);
    assert.match(gap.reason, /Timed out/);
    assert.ok(BigInt(gap.to.monoNs) > BigInt(gap.from.monoNs));
    // The gap runs from the last reading before the silence to the first one after it.
    assert.deepEqual(gap.from, seen.samples[before - 1]?.receivedAt);
    assert.deepEqual(gap.to.ms >= gap.from.ms, true);
    assert.ok(BigInt(gap.to.monoNs) <= BigInt(seen.samples[before]?.receivedAt.monoNs ?? 0));
  });

  it('goes down when the meter goes away, and reconnects when it is back', async () => {
    const first = await meter();
    const port = first.port;
    const { s, seen } = source(port);
    await s.start();
    await waitFor(() => seen.samples.length >= 2, 10_000, 'first readings');
    await first.stop();
    await waitFor(() => s.status().state === 'down', 10_000, 'the source to go down');
    assert.match(s.status().lastError ?? '', /closed the connection|unreachable|Timed out/);
    const before = seen.samples.length;
    await meter({ port });
    await waitFor(() => seen.samples.length > before, 10_000, 'readings after reconnecting');
    assert.equal(s.status().state, 'up');
    assert.equal(seen.gaps.length, 1);
  });

  it('rejects malformed registers with a reason, never throws, and never calls them readings', async () => {
    let registers: (fields: RawFields) => readonly number[] = (fields) =>
      encodeFields({ ...fields, voltageV: 0 });
    const sim = await meter({ registers: (fields) => registers(fields) });
    const { s, seen } = source(sim.port);
    await s.start();
    await waitFor(() => seen.rejected.length >= 2, 10_000, 'rejections');
    assert.match(seen.rejected[0] ?? '', /registers 0x400: voltage 0 V is outside/);
    registers = (fields) => encodeFields({ ...fields, currentMa: -5 });
    const count = seen.rejected.length;
    await waitFor(() => seen.rejected.length > count + 1, 10_000, 'more rejections');
    assert.match(seen.rejected.at(-1) ?? '', /current -0.005 A/);
    assert.equal(seen.samples.length, 0);
    assert.notEqual(s.status().state, 'up');
    assert.ok(s.status().rejected >= 4);
    registers = (fields) => encodeFields(fields);
    await waitFor(() => seen.samples.length > 0, 10_000, 'a valid reading');
    assert.equal(s.status().state, 'up');
  });

  it('says so when the meter refuses the registers asked for (a line it does not have)', async () => {
    const sim = await meter();
    const { s, seen } = source(sim.port, { line: 3 });
    await s.start();
    await waitFor(() => seen.rejected.length >= 1, 10_000, 'a rejection');
    assert.match(seen.rejected[0] ?? '', /refused input registers 0x640\+12 \(Modbus exception 2/);
    assert.match(seen.rejected[0] ?? '', /check power.line/);
    assert.equal(seen.samples.length, 0);
    assert.notEqual(s.status().state, 'down');
  });

  it('reads line 2 as the device reports it: a line with nothing plugged in', async () => {
    const sim = await meter();
    const { s, seen } = source(sim.port, { line: 2 });
    await s.start();
    await waitFor(() => seen.samples.length >= 1, 10_000, 'a reading');
    assert.equal(seen.samples[0]?.watts, 0);
  });

  it('reports a meter that is not there as down, not as an error thrown', async () => {
    const sim = await meter();
    const port = sim.port;
    await sim.stop();
    const { s } = source(port);
    await s.start();
    assert.equal(s.status().state, 'down');
    assert.match(s.status().lastError ?? '', new RegExp(`meter 127.0.0.1:${port} unreachable`));
  });
});

describe('nebula plug-sim --format modbus', { timeout: 60_000 }, () => {
  it('serves registers that `nebula power` reads at 10 Hz, labelled simulated; exits on SIGTERM', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'nebula-modbus-'));
    const profile = join(dir, 'meter.json');
    writeFileSync(
      profile,
      JSON.stringify({
        name: 'meter',
        label: 'a simulated meter',
        power: { source: 'modbus', host: '127.0.0.1', port },
      }),
    );
    const sim = spawn(
      process.execPath,
      [NEBULA, 'plug-sim', '--format', 'modbus', '--port', String(port), '--quiet'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    sim.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    try {
      await waitFor(() => stderr.includes('SIMULATED Gude'), 30_000, 'plug-sim to listen');
      const { stdout } = await run(process.execPath, [
        NEBULA,
        'power',
        '--profile',
        profile,
        '--duration',
        '2',
        '--json',
      ]);
      const result = JSON.parse(stdout);
      assert.equal(result.source, `modbus gude 127.0.0.1:${port} line 1`);
      assert.equal(result.kind, 'modbus');
      // The profile does not say simulated: the meter's own identification does.
      assert.equal(result.simulated, true);
      assert.ok(result.samples >= 10, `only ${result.samples} readings in 2 s at 10 per second`);
      assert.equal(result.rejected, 0);
      assert.ok(result.meanWatts >= 2.5 && result.meanWatts <= 6.6, `mean ${result.meanWatts} W`);
    } finally {
      sim.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
    const [code] = await once(sim, 'exit');
    // Stopped cleanly, with the shell's code for SIGTERM, like the MQTT simulator.
    assert.equal(code, 143);
    assert.match(stderr, /SIGTERM: stopped after \d+ updates/);
  });

  it('refuses MQTT options for modbus, and a missing broker for MQTT formats', async () => {
    const fail = (args: string[]) =>
      run(process.execPath, [NEBULA, ...args]).then(
        () => assert.fail(`nebula ${args.join(' ')} succeeded`),
        (error: { code: number; stderr: string }) => error,
      );
    const mixed = await fail(['plug-sim', '--format', 'modbus', '--topic', 't']);
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /use --host and --port, not --broker or --topic/);
    const port = await fail(['plug-sim', '--format', 'modbus', '--port', '70000']);
    assert.match(port.stderr, /--port must be an integer from 1 to 65535, got "70000"/);
    const broker = await fail(['plug-sim', '--format', 'shelly', '--topic', 't']);
    assert.match(
      broker.stderr,
      /--format shelly publishes to an MQTT broker: give --broker and --topic/,
    );
    const flag = await fail(['power', '--source', 'modbus', '--duration', '1']);
    assert.match(flag.stderr, /a Modbus meter is described in a profile's power section/);
  });
});
