/**
 * The session log's header carries what a reader needs to judge the figures (CPU model and
 * frequency governor, load average at start, Node and V8, emulation), and `nebula report`
 * shows them; a log written before they were recorded says what it lacks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderMarkdown } from '../../source/report/render/markdown.js';
import { buildReport } from '../../source/report/report.js';
import { sessionHeader } from '../../source/session/header.js';
import { cpuGovernor, GOVERNOR_PATH } from '../../source/session/host-facts.js';
import type { HeaderRecord } from '../../source/session/records.js';

const files = (entries: Record<string, string>) => (path: string) => {
  const text = entries[path];
  if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return text;
};

describe('session header', () => {
  it('records the CPU, its governor, the load average, Node, V8 and emulation', () => {
    const header = sessionHeader('local', [], 1_700_000_000_000);
    assert.ok(header.cpu.model.length > 0);
    assert.ok(header.cpu.cores >= 1);
    assert.ok(
      typeof header.cpu.governor === 'string' ||
        (header.cpu.governor === null && (header.cpu.governorNote ?? '').includes(GOVERNOR_PATH)),
      'a governor, or why there is none',
    );
    assert.equal(header.loadAverage?.length, 3);
    for (const value of header.loadAverage ?? []) assert.ok(value >= 0);
    assert.equal(header.node, process.version);
    assert.equal(header.v8, process.versions.v8);
    assert.equal(typeof header.machine.emulated, 'boolean');
    assert.equal(header.machine.emulated, header.machine.emulation !== undefined);
    // One JSON line in the log: everything survives the round trip.
    assert.deepEqual(JSON.parse(JSON.stringify(header)), header);
  });

  it('reads the governor from cpufreq', () => {
    assert.deepEqual(cpuGovernor(files({ [GOVERNOR_PATH]: 'performance\n' })), {
      governor: 'performance',
      note: null,
    });
  });

  it('says a virtual machine has none', () => {
    const vm = cpuGovernor(files({ '/proc/cpuinfo': 'flags\t\t: fpu vme hypervisor lahf_lm\n' }));
    assert.equal(vm.governor, null);
    assert.match(vm.note ?? '', /virtual machine/);
    const bare = cpuGovernor(files({ '/proc/cpuinfo': 'flags\t\t: fpu vme lahf_lm\n' }));
    assert.equal(bare.governor, null);
    assert.match(bare.note ?? '', /no frequency scaling/);
  });
});

describe('nebula report header', () => {
  const base: HeaderRecord = {
    type: 'header',
    format: 1,
    startedAt: Date.UTC(2026, 10, 30, 12),
    profile: 'pi',
    machine: { hostname: 'pi4', os: 'linux 6.6.51', arch: 'arm64', emulated: false },
    cpu: { model: 'Cortex-A72', cores: 4, mhz: 1800, governor: 'ondemand', governorNote: null },
    loadAverage: [0.12, 0.3, 0.25],
    node: 'v22.23.5',
    v8: '12.4.254.21-node.33',
    nebula: '0.1.0',
    functions: {},
  };
  const header = (h: HeaderRecord) => renderMarkdown(buildReport([h])).split('\n## ')[0] ?? '';

  it('shows the governor, load average, V8 and that nothing was emulated', () => {
    const text = header(base);
    assert.match(text, /Cortex-A72 × 4 at 1800 MHz/);
    assert.match(text, /CPU frequency governor: ondemand/);
    assert.match(text, /Load average at start: 0\.12, 0\.3, 0\.25 \(1, 5, 15 min; 4 cores\)/);
    assert.match(text, /Node v22\.23\.5 \(V8 12\.4\.254\.21-node\.33\)/);
    assert.match(text, /Emulated: no/);
    assert.doesNotMatch(text, /Not recorded/);
  });

  it('says why a virtual machine has no governor, and marks an emulated run', () => {
    const text = header({
      ...base,
      machine: { ...base.machine, emulated: true, emulation: 'arm64 Node under qemu-user' },
      cpu: { ...base.cpu, governor: null, governorNote: 'no scaling_governor: a virtual machine' },
    });
    assert.match(text, /CPU frequency governor: none \(no scaling_governor: a virtual machine\)/);
    assert.match(text, /EMULATED \(arm64 Node under qemu-user\)/);
    assert.doesNotMatch(text, /Emulated: no/);
  });

  it('names what an older log did not record', () => {
    const { loadAverage: _l, v8: _v, ...older } = base;
    const text = header({
      ...older,
      machine: { hostname: 'vm', os: 'linux', arch: 'x64' },
      cpu: { model: 'Xeon', cores: 2 },
    });
    assert.match(
      text,
      /Not recorded in this log \(written by an older Nebula\): frequency governor, load average, V8 version, emulation/,
    );
  });
});
