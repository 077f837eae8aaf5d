/**
 * A gateway profile acts on the gateway's machine: its catalog and deploy state, deploy,
 * its power readings, and experiments run there with its power source, logged on both sides
 * to the same figures; a cut connection, a stop, a wrong token and another version.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Engine } from '../../source/engine/engine.js';
import { Gateway } from '../../source/gateway/server.js';
import { parseExperimentPlan } from '../../source/measure/plan.js';
import { RemoteEngine } from '../../source/remote/remote-engine.js';
import { NEBULA, PLUG_TOPIC, readRecords, startVm, VM_FUNCTIONS, type Vm } from './vm.js';

const run = promisify(execFile);

async function nebula(
  vm: Vm,
  args: string[],
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--no-turbo-fast-api-calls', NEBULA, ...args],
      {
        env: { ...process.env, NEBULA_TOKEN: '', NEBULA_LOGS_DIR: vm.clientLogsDir },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

/** A relay between client and gateway that the test can cut, like a network that drops. */
class Relay {
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  port = 0;

  constructor(private readonly target: URL) {}

  async up(): Promise<string> {
    this.server = createServer((client) => {
      const upstream = createConnection(Number(this.target.port), this.target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return `http://127.0.0.1:${this.port}`;
  }

  cut(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async down(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}

const ENERGY_PLAN = {
  functions: [{ name: 'hello', inputs: [''] }],
  runtimes: ['wasm-p1', 'wasm'],
  // Cold: a few hundred invocations per block, enough to cut in the middle of, few to stream.
  modes: ['cold'],
  warmup: 1,
  energy: { blocks: 2, blockSeconds: 1.5, baselineSeconds: 1 },
};

/** Polls until the predicate holds. */
// A guard against a hang, not a timing check: a loaded 2-core machine can take a while to
// start a client, reach the gateway and measure the plug's interval.
async function until(
  predicate: () => boolean,
  what: string | (() => string),
  ms = 120_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a gateway profile acts on the gateway machine', { timeout: 240_000 }, () => {
  let vm: Vm;
  let vmProfile: string;

  before(async () => {
    vm = await startVm();
    vmProfile = join(vm.profilesDir, 'vm.json');
  });
  after(async () => {
    await vm?.stop();
  });

  it('lists the gateway catalog with its deploy state, deploys there, and says which machine', async () => {
    const listed = await nebula(vm, ['functions', '--profile', vmProfile, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const body = JSON.parse(listed.stdout) as {
      target: { kind: string; url: string };
      functions: Array<{ name: string; deployed: Record<string, unknown> }>;
    };
    assert.deepEqual(body.target.kind, 'gateway');
    assert.equal(body.target.url, vm.url);
    // The gateway's two functions, not this repository's seven.
    assert.deepEqual(body.functions.map((fn) => fn.name).sort(), VM_FUNCTIONS);
    assert.equal(body.functions.find((fn) => fn.name === 'hello')?.deployed.wasm, false);
    assert.equal(body.functions.find((fn) => fn.name === 'hello')?.deployed['wasm-p1'], true);

    const deployed = await nebula(vm, [
      'deploy',
      'hello',
      '--runtime',
      'wasm',
      '--profile',
      vmProfile,
    ]);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, /hello\s+wasm\s+built\s.*direct bindings/);
    assert.match(deployed.stderr, /deploying on .* through the gateway http:\/\/127\.0\.0\.1:/);
    const after = JSON.parse(
      (await nebula(vm, ['functions', '--profile', vmProfile, '--json'])).stdout,
    );
    assert.equal(
      after.functions.find((fn: { name: string }) => fn.name === 'hello').deployed.wasm,
      true,
    );

    const unknown = await nebula(vm, ['deploy', 'sha256', '--profile', vmProfile]);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /unknown function "sha256" on http:\/\/127\.0\.0\.1:\d+; known functions: /,
    );
  });

  it('reads the gateway machine power source, with its own label', async () => {
    const read = await nebula(vm, ['power', '--profile', vmProfile, '--duration', '1.5', '--json']);
    assert.equal(read.code, 0, read.stderr);
    const summary = JSON.parse(read.stdout) as {
      source: string;
      kind: string;
      simulated: boolean;
      samples: number;
    };
    assert.equal(summary.source, `mqtt tasmota ${PLUG_TOPIC}`);
    assert.equal(summary.kind, 'mqtt');
    assert.equal(summary.simulated, true);
    assert.ok(summary.samples >= 2, `readings arrived: ${summary.samples}`);
    const flags = await nebula(vm, ['power', '--profile', vmProfile, '--source', 'estimate']);
    assert.equal(flags.code, 2);
    assert.match(flags.stderr, /whose own power source is read there; drop the power flags/);
  });

  it('runs an experiment with power on the gateway: its readings, both logs, one report', async () => {
    const bench = await nebula(vm, [
      'bench',
      '--profile',
      vmProfile,
      '--power',
      '--functions',
      'hello',
      '--runtimes',
      'wasm-p1,wasm',
      '--mode',
      'cold',
      '--blocks',
      '2',
      '--block-seconds',
      '1.5',
      '--baseline',
      '1',
      '--warmup',
      '1',
      '--json',
    ]);
    assert.equal(bench.code, 0, bench.stderr);
    assert.match(bench.stderr, /running on .* through the gateway/);
    const printed = JSON.parse(bench.stdout) as {
      results: Array<{ runtime: string; energy?: { grossMicroWhPerInvocation: number | null } }>;
    };
    assert.equal(printed.results.length, 2);
    for (const row of printed.results)
      assert.ok(row.energy?.grossMicroWhPerInvocation, `${row.runtime} has a figure`);

    const [clientLog] = vm.clientLogs();
    const [serverLog] = vm.serverLogs();
    assert.ok(clientLog && serverLog, 'both sides wrote a log');
    const client = readRecords(clientLog);
    const server = readRecords(serverLog);
    const target = client.find((r) => r.type === 'target') as unknown as {
      url: string;
      machine: { hostname: string };
    };
    assert.equal(target.url, vm.url);
    // Every reading the client logged is one the gateway's plug gave, on the gateway's clock.
    const clientReadings = client.filter((r) => r.type === 'power');
    const serverReadings = server.filter((r) => r.type === 'power');
    assert.ok(serverReadings.length >= 6);
    assert.deepEqual(clientReadings, serverReadings);
    assert.ok(
      clientReadings.every(
        (r) => r.source === `mqtt tasmota ${PLUG_TOPIC}` && r.simulated === true,
      ),
    );
    const body = (records: typeof client) =>
      records.filter((r) => !['header', 'target'].includes(r.type));
    assert.deepEqual(body(client), body(server));
    // Each invocation once on each side (it crosses the wire once), the sizes of the gateway's.
    const steps = (records: typeof client) =>
      records.filter((r) => r.type === 'invocation').map((r) => r.step);
    assert.ok(steps(server).length >= 4, `${steps(server).length} invocations`);
    assert.equal(new Set(steps(client)).size, steps(client).length);
    assert.deepEqual(steps(client), steps(server));
    const sizes = client.find((r) => r.type === 'sizes') as unknown as {
      functions: Record<string, unknown>;
    };
    assert.deepEqual(Object.keys(sizes.functions), ['hello']);

    const reportOf = async (log: string) => {
      const out = await nebula(vm, ['report', log, '--format', 'json']);
      assert.equal(out.code, 0, out.stderr);
      const report = JSON.parse(out.stdout) as {
        sections: Array<{ machine: string; experiments: unknown[] }>;
      };
      return report.sections;
    };
    const fromClient = await reportOf(clientLog);
    const fromServer = await reportOf(serverLog);
    assert.deepEqual(
      fromClient.map((s) => s.experiments),
      fromServer.map((s) => s.experiments),
    );
    assert.equal(fromClient[0]?.machine, target.machine.hostname);
    const markdown = await nebula(vm, ['report', clientLog]);
    assert.match(markdown.stdout, /mqtt tasmota vm-plug \(mqtt, SIMULATED\)/);
  });

  it('keeps what finished on both sides when the connection is cut mid-experiment, and runs again', async () => {
    const relay = new Relay(new URL(vm.url));
    const engine = await RemoteEngine.connect({ url: await relay.up() });
    const logged: Array<Record<string, unknown> & { type: string }> = [];
    const before = vm.serverLogs().length;
    let invocations = 0;
    try {
      const outcome = await engine.runExperiment(parseExperimentPlan(ENERGY_PLAN), {
        log: (record) => logged.push(record as never),
        onEvent: (event) => {
          if (event.type === 'invocation' && ++invocations === 50) relay.cut();
        },
      });
      assert.match(
        outcome.lost ?? '',
        /connection to gateway http:\/\/127\.0\.0\.1:\d+ lost: .*invocations arrived and are kept in this log, the gateway keeps its own .*run the experiment again/,
      );
      assert.equal(outcome.aborted, true);
      assert.ok(outcome.invocations >= 50);
      const end = logged.at(-1) as { type: string; aborted: boolean; lost: string };
      assert.equal(end.type, 'experiment-end');
      assert.equal(end.aborted, true);
      assert.match(end.lost, /lost/);
      assert.ok(logged.filter((r) => r.type === 'invocation').length >= 50);

      await until(() => vm.serverLogs().length > before, 'the gateway log');
      const serverLog = vm.serverLogs().at(-1) as string;
      await until(
        () => readRecords(serverLog).some((r) => r.type === 'experiment-end'),
        'the gateway to end the experiment',
      );
      const serverEnd = readRecords(serverLog).find(
        (r) => r.type === 'experiment-end',
      ) as unknown as { aborted: boolean };
      assert.equal(serverEnd.aborted, true);
      assert.ok(readRecords(serverLog).filter((r) => r.type === 'invocation').length >= 50);

      // Restartable: the gateway is free again, through a new connection.
      const again = await engine.runExperiment(
        parseExperimentPlan({
          ...ENERGY_PLAN,
          runtimes: ['wasm-p1'],
          energy: null,
          repetitions: 5,
          warmup: 0,
        }),
      );
      assert.equal(again.lost, null);
      assert.equal(again.aborted, false);
      assert.equal(again.invocations, 5);
    } finally {
      await engine.close();
      await relay.down();
    }
  });

  it('Ctrl+C on a bench there stops the gateway run and keeps what finished on both sides', async () => {
    // Counted over every server log: a log is named to the second, so this experiment may
    // go on in the log of the one just before it.
    const serverInvocations = () =>
      vm
        .serverLogs()
        .reduce(
          (sum, log) => sum + readRecords(log).filter((r) => r.type === 'invocation').length,
          0,
        );
    const before = serverInvocations();
    const child = spawn(
      process.execPath,
      [
        '--no-turbo-fast-api-calls',
        NEBULA,
        'bench',
        '--profile',
        vmProfile,
        '--power',
        '--functions',
        'hello',
        '--runtimes',
        'wasm-p1',
        '--mode',
        'warm',
        '--blocks',
        '6',
        '--block-seconds',
        '2',
        '--baseline',
        '1',
        '--json',
      ],
      {
        env: { ...process.env, NEBULA_TOKEN: '', NEBULA_LOGS_DIR: vm.clientLogsDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = once(child, 'exit');
    const invocations = () => serverInvocations() - before;
    try {
      await until(
        () => invocations() >= 20 || child.exitCode !== null,
        () => `invocations on the gateway; the client said:\n${stderr}\n${stdout}`,
      );
      assert.equal(child.exitCode, null, `the client ended early:\n${stderr}\n${stdout}`);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    child.kill('SIGINT');
    const [code] = await exited;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /interrupted: \d+ invocations ran/);
    const printed = JSON.parse(stdout) as { aborted: boolean };
    assert.equal(printed.aborted, true);

    const serverRecords = readRecords(vm.serverLogs().at(-1) as string);
    // A log is named to the second: an earlier experiment may sit before this one.
    const id = serverRecords.filter((r) => r.type === 'experiment').at(-1)?.experiment;
    const ofIt = (records: typeof serverRecords) => records.filter((r) => r.experiment === id);
    const server = ofIt(serverRecords);
    const client = ofIt(readRecords(vm.clientLogs().at(-1) as string));
    assert.deepEqual(client, server);
    assert.equal((server.at(-1) as { aborted?: boolean }).aborted, true);
    assert.ok(server.filter((r) => r.type === 'invocation').length >= 20);
    assert.ok(server.filter((r) => r.type === 'block').length < 6, 'stopped before the end');
  });

  it('stops the remote run on request and keeps the same records on both sides', async () => {
    const engine = await RemoteEngine.connect({ url: vm.url });
    const stop = new AbortController();
    const logged: Array<Record<string, unknown> & { type: string }> = [];
    try {
      const outcome = await engine.runExperiment(parseExperimentPlan(ENERGY_PLAN), {
        signal: stop.signal,
        log: (record) => logged.push(record as never),
        onEvent: (event) => {
          if (event.type === 'block') stop.abort();
        },
      });
      assert.equal(outcome.aborted, true);
      assert.equal(outcome.lost, null);
      assert.ok(outcome.remoteLog);
      // A log file is named to the second: another experiment may sit before this one.
      const all = readRecords(outcome.remoteLog as string);
      const first = all.findIndex(
        (r) => r.type === 'experiment' && r.experiment === outcome.experiment,
      );
      // The gateway's sizes record sits just before its experiment, in both logs.
      assert.equal(all[first - 1]?.type, 'sizes');
      const server = all.slice(first - 1);
      assert.deepEqual(
        logged.filter((r) => r.type !== 'target'),
        server,
      );
      assert.equal((server.at(-1) as unknown as { aborted: boolean }).aborted, true);
    } finally {
      await engine.close();
    }
  });
});

describe('a gateway that cannot be used says why', { timeout: 60_000 }, () => {
  it('names both versions when the gateway runs another Nebula', async () => {
    const engine = new Engine();
    const gateway = new Gateway({ engine, version: '9.9.9' });
    const { url } = await gateway.listen(0, '127.0.0.1');
    try {
      await assert.rejects(
        RemoteEngine.connect({ url }),
        /version mismatch: the gateway runs Nebula 9\.9\.9, this client runs Nebula \d+\.\d+\.\d+/,
      );
      // And the gateway refuses a client of another version on its own.
      await assert.rejects(RemoteEngine.connect({ url, version: '0.0.1' }), (error: Error) =>
        /the gateway runs Nebula 9\.9\.9, this client runs Nebula 0\.0\.1/.test(error.message),
      );
    } finally {
      await gateway.close();
      await engine.close();
    }
  });

  it('refuses a missing or wrong token, and an unreachable address, with what to do', async () => {
    const engine = new Engine();
    const gateway = new Gateway({ engine, token: 'right' });
    const { url } = await gateway.listen(0, '127.0.0.1');
    try {
      await assert.rejects(
        RemoteEngine.connect({ url }),
        /refused to list functions \(401\): missing token.*set target\.token in the profile or NEBULA_TOKEN/,
      );
      await assert.rejects(
        RemoteEngine.connect({ url, token: 'wrong' }),
        /refused to list functions \(403\): wrong token/,
      );
      const ok = await RemoteEngine.connect({ url, token: 'right' });
      assert.equal((await ok.machine()).node.version, process.version);
      await ok.close();
    } finally {
      await gateway.close();
      await engine.close();
    }
    await assert.rejects(
      RemoteEngine.connect({ url }),
      /cannot reach gateway http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.*is `nebula serve` running there/,
    );
  });
});
