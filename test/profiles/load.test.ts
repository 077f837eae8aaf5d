import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultProfilesDir, listProfiles, loadProfile } from '../../source/profiles/load.js';

const dir = mkdtempSync(join(tmpdir(), 'nebula-profiles-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes profiles/<name>.json in the temp folder and returns its path. */
function write(name: string, body: unknown): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
  return file;
}

describe('shipped profiles', { timeout: 5000 }, () => {
  it('has local, pi, vm and each of them loads', () => {
    const names = listProfiles(defaultProfilesDir());
    for (const name of ['local', 'pi', 'vm']) assert.ok(names.includes(name), names.join());
    for (const name of names) assert.equal(loadProfile(name).name, name);
  });

  it('points vm at a gateway and pi at this machine with the Pi 4 estimate', () => {
    assert.equal(loadProfile('vm').target.kind, 'gateway');
    const pi = loadProfile('pi');
    assert.equal(pi.target.kind, 'local');
    assert.deepEqual(pi.power, { source: 'estimate', idleWatts: 2.7, fullWatts: 6.4 });
    assert.equal(loadProfile('pi-zwave').power.source, 'mqtt');
  });

  it('reads the Gude over Modbus on pi-gude, polled 10 times a second, and sim-gude simulated', () => {
    const gude = loadProfile('pi-gude').power;
    assert.equal(gude.source, 'modbus');
    if (gude.source !== 'modbus') return;
    assert.deepEqual(
      [gude.device, gude.port, gude.line, gude.phase, gude.pollHz, gude.powerFrom, gude.simulated],
      ['gude', 502, 1, 1, 10, 'voltage-current-pf', undefined],
    );
    const sim = loadProfile('sim-gude').power;
    assert.equal(sim.source === 'modbus' && sim.simulated, true);
  });

  it("names the thesis's meter on pi-gude only: pi-zwave and pi point there", () => {
    const notes = (name: string) => loadProfile(name).notes ?? '';
    assert.match(notes('pi-gude'), /thesis's meter.*Gude Expert Power Control 1105/);
    assert.match(loadProfile('pi-gude').label, /1105/);
    for (const name of ['pi', 'pi-zwave']) {
      assert.doesNotMatch(notes(name), /thesis's setup|the plug the thesis read/, name);
      assert.match(notes(name), /pi-gude/, name);
    }
  });

  it('leaves the platform of the Pi profiles to the engine they run on', () => {
    for (const name of ['pi', 'pi-zwave'])
      assert.equal(loadProfile(name).docker.platform, undefined);
  });

  it('reads docker.platform in any of its spellings as one of the two platforms', () => {
    const spellings: Array<[string, string]> = [
      ['linux/arm64', 'linux/arm64'],
      ['linux/arm64/v8', 'linux/arm64'],
      ['linux/aarch64', 'linux/arm64'],
      ['Linux/AMD64', 'linux/amd64'],
      ['linux/x86_64', 'linux/amd64'],
    ];
    for (const [index, [text, platform]] of spellings.entries()) {
      const file = write(`platform-${index}`, {
        name: `platform-${index}`,
        label: 'x',
        docker: { platform: text },
      });
      assert.equal(loadProfile(file).docker.platform, platform, text);
    }
  });
});

describe('profile errors name the file, the field and what was expected', { timeout: 5000 }, () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['no-label', { name: 'no-label' }, /label: missing; expected string/],
    [
      'bad-kind',
      { name: 'bad-kind', label: 'x', target: { kind: 'remote' } },
      /target\.kind: expected kind "local" \(this process\) or "gateway"/,
    ],
    [
      'bad-url',
      { name: 'bad-url', label: 'x', target: { kind: 'gateway', url: 'ftp://pi:21' } },
      /target\.url: an http:\/\/ or https:\/\/ URL/,
    ],
    [
      'bad-format',
      {
        name: 'bad-format',
        label: 'x',
        power: { source: 'mqtt', broker: 'mqtt://h', topic: 't', format: 'hue' },
      },
      /power\.format: Invalid option: expected one of "tasmota"\|"shelly"\|"zwave"\|"gude"/,
    ],
    [
      'bad-source',
      { name: 'bad-source', label: 'x', power: { source: 'meter' } },
      /power\.source: expected source "mqtt", "modbus", "estimate", "rapl", "pmic", "hwmon"/,
    ],
    [
      'modbus-host',
      { name: 'modbus-host', label: 'x', power: { source: 'modbus', host: 'http://meter/' } },
      /power\.host: the meter's host name or IP address, such as 192\.0\.2\.20/,
    ],
    [
      'modbus-rate',
      { name: 'modbus-rate', label: 'x', power: { source: 'modbus', host: 'm', pollHz: 500 } },
      /power\.pollHz: at most 50 readings per second/,
    ],
    [
      'modbus-line',
      { name: 'modbus-line', label: 'x', power: { source: 'modbus', host: 'm', line: 0 } },
      /power\.line: Too small: expected number to be >=1/,
    ],
    [
      'modbus-device',
      { name: 'modbus-device', label: 'x', power: { source: 'modbus', host: 'm', device: 'x' } },
      /power\.device: expected "gude" \(Gude Expert Power Control\)/,
    ],
    [
      'modbus-power',
      { name: 'modbus-power', label: 'x', power: { source: 'modbus', host: 'm', powerFrom: 'w' } },
      /power\.powerFrom: Invalid option: expected one of "voltage-current-pf"\|"active-power"/,
    ],
    [
      'modbus-timeout',
      {
        name: 'modbus-timeout',
        label: 'x',
        power: { source: 'modbus', host: 'm', pollHz: 50, timeoutMs: 500 },
      },
      /power\.timeoutMs: must be at most ten poll periods/,
    ],
    [
      'watts',
      { name: 'watts', label: 'x', power: { source: 'estimate', idleWatts: 5, fullWatts: 3 } },
      /power\.fullWatts: must be at least idleWatts/,
    ],
    [
      'extra',
      { name: 'extra', label: 'x', colour: 'red' },
      /\(top level\): Unrecognized key: "colour"/,
    ],
    [
      'reps',
      { name: 'reps', label: 'x', experiment: { repetitions: 0 } },
      /experiment\.repetitions: Too small: expected number to be >=1/,
    ],
    [
      'docker',
      { name: 'docker', label: 'x', docker: { host: '/var/run/docker.sock' } },
      /docker\.host: a Docker address such as unix:\/\/\/var\/run\/docker\.sock/,
    ],
    [
      'armv7',
      { name: 'armv7', label: 'x', docker: { platform: 'linux/arm/v7' } },
      /docker\.platform: platform "linux\/arm\/v7" \(32-bit Arm\) is not supported: Nebula runs containers on linux\/amd64 \(x86_64\) and linux\/arm64/,
    ],
    [
      'windows',
      { name: 'windows', label: 'x', docker: { platform: 'windows/amd64' } },
      /docker\.platform: platform "windows\/amd64" is not supported: expected "linux\/<architecture>"/,
    ],
    [
      'renamed',
      { name: 'other', label: 'x' },
      /name: expected "renamed" \(the file's name\), got "other"/,
    ],
    ['broken', '{"name": "broken",', /not valid JSON/],
    [
      'ipv6-unclosed',
      {
        name: 'ipv6-unclosed',
        label: 'x',
        power: { source: 'mqtt', broker: 'mqtt://[::1', topic: 't', format: 'tasmota' },
      },
      /power\.broker: "mqtt:\/\/\[::1" is not a valid URL; .*mqtt:\/\/\[::1\]:1883/,
    ],
    [
      'secret-broker',
      {
        name: 'secret-broker',
        label: 'x',
        power: { source: 'mqtt', broker: 'mqtt://me:hunter2@[::1', topic: 't', format: 'tasmota' },
      },
      /power\.broker: "mqtt:\/\/me:\*\*\*@\[::1" is not a valid URL/,
    ],
  ];
  for (const [name, body, message] of cases) {
    it(name, () => {
      const file = write(name, body);
      assert.throws(
        () => loadProfile(name, dir),
        (error: Error) => {
          assert.equal(error.name, 'ProfileError');
          assert.ok(error.message.startsWith(`${file}: `), error.message);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it('lists the known profiles for an unknown name', () => {
    write('known', { name: 'known', label: 'x' });
    assert.throws(
      () => loadProfile('missing', dir),
      /unknown profile "missing" \(no .*missing\.json\); known profiles: .*known/,
    );
  });

  it('loads a path with any file name, with defaults filled in', () => {
    const file = write('elsewhere', {
      name: 'lab',
      label: 'a lab machine',
      target: { kind: 'gateway', url: 'http://10.0.0.2:8080' },
    });
    const profile = loadProfile(file, dir);
    assert.equal(profile.name, 'lab');
    assert.deepEqual(profile.target, {
      kind: 'gateway',
      url: 'http://10.0.0.2:8080',
      timeoutMs: 120_000,
    });
    assert.equal(profile.experiment.repetitions, 20);
  });
});
