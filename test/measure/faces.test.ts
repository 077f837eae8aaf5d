/**
 * One plan, one power trace, three faces: `nebula bench`, the console's `s` and the gateway's
 * POST /experiments all run it through the measurement session, and their figures must be the
 * same bytes (the experiment's random id aside).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Manifest } from '../../source/catalog/manifest.js';
import { bench } from '../../source/cli/commands/bench.js';
import { ConsoleController } from '../../source/console/controller.js';
import type { InvocationEngine } from '../../source/engine/invocation-engine.js';
import { describeMachine } from '../../source/engine/machine.js';
import { Gateway } from '../../source/gateway/server.js';
import { parseExperimentPlan } from '../../source/measure/plan.js';
import { type ExperimentFigures, figuresOf } from '../../source/measure/session.js';
import { RemoteEngine } from '../../source/remote/remote-engine.js';
import { fakeHere, invokeOnly } from '../engine-stubs.js';
import { LOAD, TracePower, VirtualClock } from './trace.js';

const root = mkdtempSync(join(tmpdir(), 'nebula-faces-'));
after(() => rmSync(root, { recursive: true, force: true }));

const experiment = {
  repetitions: 5,
  warmup: 1,
  pauseMs: 0,
  baselineSeconds: 5,
  blocks: 2,
  blockSeconds: 3,
};
const profilePath = join(root, 'profiles', 'trace.json');
{
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(root, 'profiles'), { recursive: true });
  writeFileSync(
    profilePath,
    JSON.stringify({
      name: 'trace',
      label: 'virtual trace',
      power: { source: 'rapl' },
      experiment,
    }),
  );
}

const manifest = {
  name: 'hello',
  language: 'rust',
  description: 'does nothing',
  input: { format: 'none', example: '', expectedOutput: 'hello' },
  defaultInput: '',
  timeoutMs: 1000,
  memoryMb: 64,
  cpus: 1,
  pids: 16,
  outputLimitBytes: 1024 * 1024,
} satisfies Manifest;

/** A fresh virtual clock, power trace and engine for each face. */
function rig() {
  const clock = new VirtualClock();
  const power = new TracePower(clock, LOAD);
  const invoke = power.invoker();
  const engine: InvocationEngine = {
    catalog: { functions: [{ name: 'hello', manifest }], problems: [] },
    fn: () => ({ name: 'hello', manifest }),
    invoke: (fn, runtime, req) =>
      invoke(
        { function: fn, runtime: runtime as 'wasm', mode: req.mode, input: req.input },
        new AbortController().signal,
      ),
    on: () => undefined,
    off: () => undefined,
    close: async () => {},
    ...invokeOnly,
    // A gateway's client asks which machine it talks to.
    machine: () => describeMachine(),
  };
  return { clock, power, engine };
}

/** The figures with the experiment's id replaced, as text. */
function text(figures: ExperimentFigures): string {
  return JSON.stringify(figures).replaceAll(figures.experiment, 'EXP');
}

async function viaBench(): Promise<string> {
  const { clock, power, engine } = rig();
  let out = '';
  const outcome = await bench(
    {
      functions: 'hello',
      runtimes: 'wasm,container',
      mode: 'warm',
      warmup: 1,
      power: true,
      blocks: 2,
      blockSeconds: 3,
      baseline: 5,
      json: true,
      log: false,
      profile: profilePath,
    },
    {
      createEngine: async () => fakeHere(engine),
      createPower: () => power,
      clock,
      out: (t) => {
        out += t;
      },
      err: () => {},
      interactive: false,
    },
  );
  const printed = JSON.parse(out);
  assert.equal(printed.results.length, 2);
  for (const row of printed.results) {
    assert.equal(typeof row.energy.netMicroWhPerInvocation, 'number');
    assert.equal(typeof row.energy.grossMicroWhPerInvocation, 'number');
    assert.ok(row.energy.ci95);
    assert.equal(row.energy.blocks.length, 2);
  }
  assert.ok(outcome, 'bench without --estimate runs the plan');
  return text(figuresOf(outcome));
}

async function viaConsole(): Promise<string> {
  const { clock, power, engine } = rig();
  const controller = new ConsoleController({
    profile: profilePath,
    profilesDir: join(root, 'profiles'),
    logsDir: join(root, 'logs'),
    createEngine: async () => fakeHere(engine),
    createPower: () => power,
    clock,
    watchDocker: (_host, onStatus) => {
      onStatus({ state: 'up', address: 'test', detail: null });
      return { stop: () => undefined };
    },
  });
  try {
    await controller.start();
    controller.toggleMode(); // cold -> warm
    assert.equal(controller.state.mode, 'warm');
    controller.startExperiment();
    await controller.experimentDone();
    const outcome = controller.lastOutcome;
    assert.ok(outcome, 'the console ran the experiment');
    const panes = controller.state.power?.energy ?? [];
    assert.deepEqual(
      panes.map((e) => [e.runtime, e.netMicroWh]),
      outcome.energy.map((e) => [e.cell.split('/')[1], e.netMicroWhPerInvocation]),
    );
    return text(figuresOf(outcome));
  } finally {
    await controller.close('test end');
  }
}

async function viaGateway(): Promise<string> {
  const { clock, power, engine } = rig();
  const gateway = new Gateway({ engine, power, clock });
  const { port } = await gateway.listen(0, '127.0.0.1');
  try {
    const body = JSON.stringify({
      protocol: 1,
      plan: {
        functions: [{ name: 'hello', inputs: [''] }],
        runtimes: ['wasm', 'container'],
        modes: ['warm'],
        warmup: 1,
        energy: { blocks: 2, blockSeconds: 3, baselineSeconds: 5 },
      },
    });
    const answer = await new Promise<{ status: number; type: string; text: string }>(
      (resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/experiments', method: 'POST' },
          (res) => {
            let data = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => {
              data += chunk;
            });
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                type: String(res.headers['content-type']),
                text: data,
              }),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      },
    );
    assert.equal(answer.status, 200);
    assert.match(answer.type, /application\/x-ndjson/);
    const lines = answer.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.ok(lines.every((l) => l.protocol === 1));
    // The session's records come as `record` lines, the first before the start event.
    const events = lines.filter((l) => l.type !== 'record');
    assert.equal(events[0].type, 'start');
    assert.equal(lines[0].record.type, 'experiment');
    assert.deepEqual(
      lines.filter((l) => l.type === 'block').map((l) => l.block.runtime),
      ['wasm', 'container', 'wasm', 'container'],
    );
    const done = lines.at(-1);
    assert.equal(done.type, 'done');
    return text(done.figures);
  } finally {
    await gateway.close();
  }
}

/** A client of that gateway: the figures it computes from the records it received. */
async function viaGatewayClient(): Promise<string> {
  const { clock, power, engine } = rig();
  const gateway = new Gateway({ engine, power, clock });
  const { url } = await gateway.listen(0, '127.0.0.1');
  const client = await RemoteEngine.connect({ url });
  try {
    const logged: unknown[] = [];
    const outcome = await client.runExperiment(
      parseExperimentPlan({
        functions: [{ name: 'hello', inputs: [''] }],
        runtimes: ['wasm', 'container'],
        modes: ['warm'],
        warmup: 1,
        energy: { blocks: 2, blockSeconds: 3, baselineSeconds: 5 },
      }),
      { log: (record) => logged.push(record) },
    );
    const { lost, remoteLog: _remoteLog, ...figures } = outcome;
    assert.equal(lost, null);
    assert.ok(logged.length > 10);
    return text(figuresOf(figures));
  } finally {
    await client.close();
    await gateway.close();
  }
}

describe('the same figures from every face', { timeout: 30_000 }, () => {
  it('bench, console, gateway and its client agree byte for byte', async () => {
    const fromBench = await viaBench();
    const fromConsole = await viaConsole();
    const fromGateway = await viaGateway();
    const fromClient = await viaGatewayClient();
    assert.equal(fromClient, fromBench);
    assert.match(fromBench, /"netMicroWhPerInvocation":\d/);
    assert.match(fromBench, /"idleWatts":3,/);
    assert.ok(fromBench.length > 3000, `figures of ${fromBench.length} characters`);
    assert.equal(fromConsole, fromBench);
    assert.equal(fromGateway, fromBench);
  });
});
