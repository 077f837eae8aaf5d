import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findHwmonDevice, HwmonPowerSource, readHwmon } from '../../source/power/hwmon-source.js';
import { PMIC_LABEL, PmicPowerSource, parsePmicAdc } from '../../source/power/pmic-source.js';
import type { PowerSample } from '../../source/power/sample.js';
import { waitFor } from './broker.js';

const NEBULA = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
/**
 * `vcgencmd pmic_read_adc` as a Pi 5 prints it (one rail per line, currents then voltages;
 * EXT5V and BATT have a voltage only). Written from the command's documented format.
 */
const PMIC_FIXTURE = fileURLToPath(
  new URL('../../../test/fixtures/power/pmic_read_adc.txt', import.meta.url),
);
/**
 * A Pi 5's real output, recorded under load and published in the README of the RPi5-power
 * project (github.com/jfikar/RPi5-power): 0V8_SW where other firmware prints 0V8_SYS, and
 * VDD_CORE at 10.9 A.
 */
const PMIC_RECORDED = fileURLToPath(
  new URL('../../../test/fixtures/power/pmic_read_adc.recorded-pi5.txt', import.meta.url),
);
const run = promisify(execFile);

describe('Raspberry Pi 5 PMIC', { timeout: 30_000 }, () => {
  it('sums volts x amps over the rails that have both', () => {
    const reading = parsePmicAdc(readFileSync(PMIC_FIXTURE, 'utf8'));
    assert.ok(typeof reading !== 'string', String(reading));
    assert.equal(reading.rails.length, 12);
    assert.deepEqual(reading.rails[7], { name: 'VDD_CORE', volts: 0.721067, amps: 0.763 });
    // Worked out by hand from the fixture: sum of the twelve products.
    assert.ok(Math.abs(reading.watts - 1.696126437491) < 1e-9, `${reading.watts} W`);
    assert.deepEqual(reading.voltagesOnly, { EXT5V: 5.12967, BATT: 0.0091575 });
  });

  it('reads a real Pi 5 listing: rails paired by name, whatever their indices', () => {
    const reading = parsePmicAdc(readFileSync(PMIC_RECORDED, 'utf8'));
    assert.ok(typeof reading !== 'string', String(reading));
    assert.equal(reading.rails.length, 12);
    assert.deepEqual(
      reading.rails.find((rail) => rail.name === 'VDD_CORE'),
      { name: 'VDD_CORE', volts: 0.8974594, amps: 10.87674 },
    );
    assert.ok(reading.rails.some((rail) => rail.name === '0V8_SW'));
    // Worked out with decimal arithmetic from the listing: the sum of the twelve products.
    assert.ok(Math.abs(reading.watts - 10.79989444698857) < 1e-9, `${reading.watts} W`);
    assert.deepEqual(reading.voltagesOnly, { EXT5V: 5.06788, BATT: 3.011108 });
  });

  it('refuses output that is not the PMIC listing, saying what was wrong', () => {
    assert.match(String(parsePmicAdc('')), /no output/);
    assert.match(
      String(parsePmicAdc('error=1 error_msg="Command not registered"\n')),
      /unexpected line/,
    );
    assert.match(
      String(parsePmicAdc('  VDD_CORE_A current(7)=0.76300000A\n')),
      /VDD_CORE has a current but no voltage/,
    );
    assert.match(String(parsePmicAdc('  VDD_CORE_A current(7)=0.763V\n')), /unexpected line/);
    assert.match(
      String(parsePmicAdc('  X_A current(1)=99A\n  X_V volt(2)=1V\n')),
      /X current 99 A is out of range/,
    );
  });

  it('runs the command once a period, each reading with its rails, labelled board rails', async () => {
    const source = new PmicPowerSource({ command: ['cat', PMIC_FIXTURE], pollHz: 10 });
    const samples: PowerSample[] = [];
    source.on('sample', (s) => samples.push(s));
    await source.start();
    try {
      await waitFor(() => samples.length >= 3, 10_000, 'three PMIC readings');
    } finally {
      await source.stop();
    }
    for (const sample of samples) {
      assert.equal(sample.source, PMIC_LABEL);
      assert.match(sample.source, /board rails \(not wall power\)/);
      assert.ok(Math.abs(sample.watts - 1.696126437491) < 1e-9);
      assert.deepEqual(sample.meter?.rails?.VDD_CORE, [0.721067, 0.763]);
    }
    assert.equal(source.kind, 'pmic');
  });

  it('refuses to start where there is no vcgencmd, and says what it needs', async () => {
    const source = new PmicPowerSource({ command: ['/nonexistent/vcgencmd', 'pmic_read_adc'] });
    await assert.rejects(source.start(), /needs a Raspberry Pi 5 with vcgencmd/);
    const wrong = new PmicPowerSource({ command: ['echo', 'error=2 not a PMIC'] });
    await assert.rejects(wrong.start(), /gave no reading: unexpected line/);
  });
});

/** A fake /sys/class/hwmon in a temp dir: each device a folder of one-number files. */
function fakeSysfs(devices: Record<string, Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nebula-hwmon-'));
  for (const [id, files] of Object.entries(devices)) {
    mkdirSync(join(dir, id));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, id, file), text);
  }
  return dir;
}

describe('Linux hwmon', { timeout: 30_000 }, () => {
  const dirs: string[] = [];
  const make = (devices: Record<string, Record<string, string>>) => {
    const dir = fakeSysfs(devices);
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('sums power*_input (µW) of the one device that reports power', () => {
    const dir = make({
      hwmon0: { name: 'cpu_thermal\n', temp1_input: '45000\n' },
      hwmon1: { name: 'ina3221\n', power1_input: '1500000\n', power2_input: '250000\n' },
    });
    const device = findHwmonDevice(dir);
    assert.equal(device.id, 'hwmon1');
    assert.equal(readHwmon(device).watts, 1.75);
  });

  it('multiplies curr*_input (mA) by in*_input (mV), paired by label or else by index', () => {
    const dir = make({
      hwmon2: {
        name: 'rails',
        curr1_input: '500',
        curr1_label: 'VDD_5V',
        in0_input: '12',
        in0_label: 'shunt',
        in3_input: '5100',
        in3_label: 'VDD_5V',
        curr2_input: '250',
        in2_input: '3300',
        curr4_input: '99', // no in4: not paired, left out
      },
    });
    const reading = readHwmon(findHwmonDevice(dir));
    assert.deepEqual(reading.rails, { VDD_5V: [5.1, 0.5], curr2: [3.3, 0.25] });
    assert.ok(Math.abs(reading.watts - (5.1 * 0.5 + 3.3 * 0.25)) < 1e-12);
  });

  it('asks for power.device when several report power, and names what there is', () => {
    const dir = make({
      hwmon0: { name: 'a', power1_input: '1' },
      hwmon1: { name: 'b', curr1_input: '1', in1_input: '1' },
      hwmon2: { name: 'b', power1_input: '1' },
    });
    assert.throws(
      () => findHwmonDevice(dir),
      /several hwmon devices report power: hwmon0 "a" \(1 power\*_input\), hwmon1 "b" \(1 curr\*_input x in\*_input\), hwmon2 "b".*set power\.device/,
    );
    assert.equal(findHwmonDevice(dir, 'a').id, 'hwmon0');
    assert.equal(findHwmonDevice(dir, 'hwmon1').id, 'hwmon1');
    assert.throws(() => findHwmonDevice(dir, 'b'), /2 hwmon devices are named "b"/);
    assert.throws(() => findHwmonDevice(dir, 'c'), /no hwmon device "c".*there are: hwmon0 "a"/);
    const none = make({ hwmon0: { name: 'cpu_thermal', temp1_input: '1' } });
    assert.throws(() => findHwmonDevice(none), /no hwmon device in .* reports power/);
    assert.throws(() => findHwmonDevice('/nonexistent/hwmon'), /exposes no hwmon sensors/);
  });

  it('reads as the sensor changes, labelled sensor rails, and rejects an unreadable value', async () => {
    const dir = make({ hwmon0: { name: 'ina219', power1_input: '2000000' } });
    const source = new HwmonPowerSource({ dir, pollHz: 20 });
    const samples: PowerSample[] = [];
    const rejected: string[] = [];
    source.on('sample', (s) => samples.push(s));
    source.on('rejected', (r) => rejected.push(r));
    await source.start();
    try {
      await waitFor(() => samples.length >= 2, 10_000, 'two hwmon readings');
      writeFileSync(join(dir, 'hwmon0', 'power1_input'), '3000000');
      await waitFor(() => samples.at(-1)?.watts === 3, 10_000, 'the new value');
      writeFileSync(join(dir, 'hwmon0', 'power1_input'), 'busy');
      await waitFor(() => rejected.length > 0, 10_000, 'a rejected reading');
    } finally {
      await source.stop();
    }
    assert.equal(samples[0]?.watts, 2);
    assert.match(samples[0]?.source ?? '', /^hwmon \(sensor rails, not wall power\)$/);
    assert.match(rejected[0] ?? '', /power1_input holds "busy", not a number/);
  });
});

describe('nebula power with a board source from a profile', { timeout: 60_000 }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nebula-board-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the PMIC command a profile names', async () => {
    const script = join(dir, 'vcgencmd');
    writeFileSync(script, `#!/bin/sh\nexec cat ${JSON.stringify(PMIC_FIXTURE)}\n`);
    chmodSync(script, 0o755);
    const profile = join(dir, 'pi5.json');
    writeFileSync(
      profile,
      JSON.stringify({
        name: 'pi5',
        label: 'test board',
        power: { source: 'pmic', command: [script, 'pmic_read_adc'], pollHz: 5 },
      }),
    );
    const { stdout } = await run(process.execPath, [
      NEBULA,
      'power',
      '--profile',
      profile,
      '--duration',
      '1.5',
      '--json',
    ]);
    const result = JSON.parse(stdout);
    assert.equal(result.kind, 'pmic');
    assert.equal(result.source, PMIC_LABEL);
    assert.ok(result.samples >= 2, `${result.samples} readings`);
    assert.ok(Math.abs(result.meanWatts - 1.696126437491) < 1e-9);
  });

  it('reads an hwmon device a profile names, and refuses a wrong one with the reason', async () => {
    const sysfs = make();
    const profile = join(dir, 'hwmon.json');
    const write = (device: string) =>
      writeFileSync(
        profile,
        JSON.stringify({
          name: 'h',
          label: 'test',
          power: { source: 'hwmon', dir: sysfs, device },
        }),
      );
    write('ina226');
    const { stdout } = await run(process.execPath, [
      NEBULA,
      'power',
      '--profile',
      profile,
      '--duration',
      '1',
      '--json',
    ]);
    const result = JSON.parse(stdout);
    assert.equal(result.kind, 'hwmon');
    assert.equal(result.meanWatts, 4.2);
    write('nothing');
    const failed = await run(process.execPath, [NEBULA, 'power', '--profile', profile]).then(
      () => assert.fail('a missing device must fail'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.notEqual(failed.code, 0);
    assert.match(failed.stderr, /no hwmon device "nothing"/);

    function make(): string {
      const root = join(dir, 'sys');
      mkdirSync(join(root, 'hwmon0'), { recursive: true });
      writeFileSync(join(root, 'hwmon0', 'name'), 'ina226\n');
      writeFileSync(join(root, 'hwmon0', 'power1_input'), '4200000\n');
      return root;
    }
  });
});
