import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuFamily, describeEmulation } from '../../source/core/emulation.js';
import { unsupportedNodeNote, wasiNodeFlags } from '../../source/core/node-support.js';
import {
  engineNativePlatform,
  NATIVE_ARCH,
  nodePlatform,
  parsePlatform,
} from '../../source/core/platform.js';

describe('platforms', () => {
  it('maps each platform to the suffix of its native binaries', () => {
    assert.equal(NATIVE_ARCH[parsePlatform('linux/arm64')], 'aarch64');
    assert.equal(NATIVE_ARCH[parsePlatform('linux/amd64')], 'x86_64');
    assert.equal(nodePlatform('arm64'), 'linux/arm64');
    assert.equal(nodePlatform('x64'), 'linux/amd64');
    assert.equal(nodePlatform('arm'), null);
  });

  it('turns a 32-bit Arm engine or profile away, naming what is supported', () => {
    for (const text of ['linux/arm/v7', 'linux/arm', 'linux/armhf', 'linux/arm/v6']) {
      assert.throws(
        () => parsePlatform(text),
        /32-bit Arm\) is not supported: .*linux\/amd64 \(x86_64\) and linux\/arm64 .*64-bit Raspberry Pi OS/,
      );
    }
    assert.throws(
      () => engineNativePlatform('linux', 'arm'),
      /the Docker engine runs on linux\/arm, which is not supported: Nebula runs containers on linux\/amd64/,
    );
    assert.throws(() => parsePlatform('linux/riscv64'), /"linux\/riscv64" is not supported/);
    assert.equal(engineNativePlatform('linux', 'arm64'), 'linux/arm64');
  });
});

describe('Node versions', () => {
  it('turns fast API calls off on Node 20 and 22 only', () => {
    assert.deepEqual(wasiNodeFlags('20.20.2'), ['--no-turbo-fast-api-calls']);
    assert.deepEqual(wasiNodeFlags('v22.23.5'), ['--no-turbo-fast-api-calls']);
    assert.deepEqual(wasiNodeFlags('24.22.3'), []);
  });

  it('names the supported lines for any other', () => {
    assert.equal(unsupportedNodeNote('24.1.0'), null);
    assert.match(unsupportedNodeNote('18.19.1') ?? '', /Node 18\.19\.1 .* \(20, 22, 24\)/);
  });
});

describe('emulation', () => {
  const x86 = 'processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nflags\t\t: fpu vme\n';
  const pi4 =
    'processor\t: 0\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\nCPU architecture: 8\n';
  it('tells the CPU family from /proc/cpuinfo', () => {
    assert.equal(cpuFamily(x86), 'x64');
    assert.equal(cpuFamily(pi4), 'arm64');
    assert.equal(cpuFamily(''), null);
  });

  it('says an arm64 Node on an x86 CPU is emulated, and a Pi is not', () => {
    assert.match(
      describeEmulation('arm64', x86, '/nonexistent') ?? '',
      /^arm64 Node under an emulator on a x64 CPU$/,
    );
    assert.equal(describeEmulation('arm64', pi4), null);
    assert.equal(describeEmulation('x64', x86), null);
  });
});
