/**
 * `nebula bench --driver client` on a gateway profile: a real `nebula serve` (the stand-in VM
 * of vm.ts, with the real Docker engine and a simulated plug through a real mosquitto), reached
 * through a relay that counts every HTTP request it passes on. The client driver sends each
 * invocation as one request and reads power taken at the target; the target driver sends one
 * POST /experiments; both logs say their driver, and one report shows the difference.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, machine } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { RemoteEngine } from '../../source/remote/remote-engine.js';
import { NEBULA, PLUG_TOPIC, readRecords, startVm, type Vm } from './vm.js';

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

/** An HTTP relay in front of the gateway that counts requests by method and path. */
class CountingRelay {
  readonly counts = new Map<string, number>();
  private server: Server | null = null;

  constructor(private readonly upstream: URL) {}

  async up(): Promise<string> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      const key = `${req.method} ${path}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      const out = request(
        {
          host: this.upstream.hostname,
          port: this.upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      res.on('close', () => out.destroy());
      req.pipe(out);
    });
    this.server.keepAliveTimeout = 1000;
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** POST /functions/{name}/invoke, every function. */
  invokes(): number {
    return [...this.counts]
      .filter(([key]) => /^POST \/functions\/[^/]+\/invoke$/.test(key))
      .reduce((sum, [, n]) => sum + n, 0);
  }

  async down(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}

type LogRecord = Record<string, unknown> & { type: string };

const experimentOf = (records: LogRecord[]) =>
  records.find((r) => r.type === 'experiment') as LogRecord & { driver?: string; timing?: string };

describe('the client driver against a real gateway', { timeout: 600_000 }, () => {
  let vm: Vm;
  let relay: CountingRelay;
  let profile: string;

  before(async () => {
    vm = await startVm();
    relay = new CountingRelay(new URL(vm.url));
    profile = join(vm.profilesDir, 'relayed.json');
    writeFileSync(
      profile,
      JSON.stringify({
        name: 'relayed',
        label: 'the loopback VM through a counting relay',
        target: { kind: 'gateway', url: await relay.up() },
        power: { source: 'estimate', idleWatts: 2, fullWatts: 5 },
        experiment: { repetitions: 3, warmup: 1, pauseMs: 0 },
      }),
    );
    const deployed = await nebula(vm, [
      'deploy',
      'hello',
      'fibonacci-recursive',
      '--runtime',
      'wasm,container',
      '--profile',
      profile,
    ]);
    assert.equal(deployed.code, 0, deployed.stderr);
  });
  after(async () => {
    await relay?.down();
    await vm?.stop();
    // Deploying the VM's copies replaced this repository's images of those functions in the
    // shared Docker engine (a deploy removes a function's images of other sources): put them
    // back, as the tests that follow find them.
    const restored = await nebula(vm, [
      'deploy',
      'hello',
      'fibonacci-recursive',
      '--runtime',
      'container',
    ]);
    assert.equal(restored.code, 0, restored.stderr);
  });

  it('runs the same cells both ways: one request per invocation or one experiment, both logs say their driver, one report shows the difference', async () => {
    const clientLog = join(vm.root, 'client-driven.jsonl');
    const targetLog = join(vm.root, 'target-driven.jsonl');
    // fibonacci-recursive is one of the thesis's functions: `report --thesis` reads these logs.
    const cells = [
      '--functions',
      'fibonacci-recursive,hello',
      '--inputs',
      '10',
      '--runtimes',
      'container,wasm',
      '--mode',
      'cold',
    ];
    const invokesBefore = relay.invokes();
    const experimentsBefore = relay.count('POST /experiments');
    const client = await nebula(vm, [
      'bench',
      '--profile',
      profile,
      ...cells,
      '--driver',
      'client',
      '--log',
      clientLog,
      '--json',
    ]);
    assert.equal(client.code, 0, client.stderr);
    const clientRecords = readRecords(clientLog);
    const invocations = clientRecords.filter((r) => r.type === 'invocation');
    // 3 measured and 1 warm-up of two functions on two runtimes, each its own request.
    assert.equal(invocations.length, 16);
    assert.equal(relay.invokes() - invokesBefore, invocations.length);
    assert.equal(relay.count('POST /experiments'), experimentsBefore);
    assert.ok(invocations.every((r) => typeof r.clientRoundTripMs === 'number'));
    const clientStart = experimentOf(clientRecords);
    assert.equal(clientStart.driver, 'client');
    assert.match(String(clientStart.timing), /include each invocation's HTTP round trip/);
    assert.equal(
      (clientRecords.find((r) => r.type === 'target') as { driver?: string }).driver,
      'client',
    );

    const invokesBetween = relay.invokes();
    const target = await nebula(vm, [
      'bench',
      '--profile',
      profile,
      ...cells,
      '--log',
      targetLog,
      '--json',
    ]);
    assert.equal(target.code, 0, target.stderr);
    assert.equal(relay.count('POST /experiments'), experimentsBefore + 1);
    assert.equal(relay.invokes(), invokesBetween, 'the target driver sends no invocation');
    const targetRecords = readRecords(targetLog);
    assert.equal(experimentOf(targetRecords).driver, 'target');
    assert.equal(targetRecords.filter((r) => r.type === 'invocation').length, 16);
    assert.ok(targetRecords.every((r) => r.clientRoundTripMs === undefined));

    const markdown = await nebula(vm, ['report', targetLog, clientLog]);
    assert.equal(markdown.code, 0, markdown.stderr);
    assert.match(markdown.stdout, /- Driver: target; timings: all on the machine/);
    assert.match(markdown.stdout, /- Driver: client; timings: phases by the target's runtimes/);
    assert.match(
      markdown.stdout,
      /#+ Drivers: the same cells driven on the target and from a client/,
    );
    const json = await nebula(vm, ['report', targetLog, clientLog, '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const drivers = (JSON.parse(json.stdout) as { drivers?: { head: string[]; rows: string[][] } })
      .drivers;
    assert.ok(drivers, 'the report of both logs has the drivers table');
    const column = (name: string) => drivers.head.indexOf(name);
    const rowOf = (runtime: string) =>
      drivers.rows.find((row) => row[column('Runtime')] === runtime);
    for (const runtime of ['container', 'wasm']) {
      const row = rowOf(runtime);
      assert.ok(row, `a row for hello on ${runtime}`);
      for (const name of [
        'Total ms, target driver',
        'Total ms, client driver',
        'Client − target',
        'Round trip ms, client driver',
      ]) {
        assert.match(row[column(name)] as string, /\d/, `${runtime}: ${name}`);
      }
    }
    const ratios = rowOf('container / wasm');
    assert.ok(ratios);
    assert.match(ratios[column('Total ms, target driver')] as string, /×/);
    assert.match(ratios[column('Total ms, client driver')] as string, /×/);

    // The thesis's tables name the machine the functions ran on (the gateway's, with the
    // architecture uname gives, x86_64, where this machine's log header says Node's x64) and
    // the drivers its logs used.
    const thesis = await nebula(vm, ['report', '--thesis', targetLog, clientLog]);
    assert.equal(thesis.code, 0, thesis.stderr);
    assert.ok(
      thesis.stdout.includes(`## Thesis tables: relayed @ ${hostname()} (${machine()})`),
      thesis.stdout,
    );
    assert.match(
      thesis.stdout,
      /- Driver: target \(the whole run on the measured machine, no HTTP in any timing\) in 1 experiment; client \(this session on another machine, one HTTP request per invocation, as the thesis drove it\) in 1\./,
    );
  });

  it("sends a plan's timeout with the invocation, and the gateway keeps it", async () => {
    const engine = await RemoteEngine.connect({ url: vm.url });
    try {
      const cut = await engine.invoke('fibonacci-recursive', 'wasm-p1', {
        input: '40',
        mode: 'cold',
        timeoutMs: 50,
      });
      assert.equal(cut.ok, false);
      assert.equal(cut.failure, 'timeout');
      const fits = await engine.invoke('fibonacci-recursive', 'wasm-p1', {
        input: '10',
        mode: 'cold',
        timeoutMs: 60_000,
      });
      assert.equal(fits.ok, true, fits.error ?? '');
    } finally {
      await engine.close();
    }
    const wrong = await fetch(`${vm.url}/functions/hello/invoke?runtime=wasm-p1&timeoutMs=0`, {
      method: 'POST',
      body: '',
    });
    assert.equal(wrong.status, 400);
    assert.match(
      ((await wrong.json()) as { error: string }).error,
      /timeoutMs must be a whole number of ms from 1 to 3600000/,
    );
  });

  it('refuses the client driver on a local profile, and an unknown driver, before anything is written', async () => {
    const logsBefore = readdirSync(vm.clientLogsDir).length;
    const local = await nebula(vm, [
      'bench',
      '--profile',
      join(vm.profilesDir, 'local.json'),
      '--functions',
      'hello',
      '--runtimes',
      'wasm-p1',
      '--driver',
      'client',
    ]);
    assert.equal(local.code, 2, local.stderr);
    assert.match(local.stderr, /--driver client drives the functions of a gateway's machine/);
    assert.match(local.stderr, /use a profile whose target is a gateway/);
    const unknown = await nebula(vm, ['bench', '--profile', profile, '--driver', 'laptop']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown --driver "laptop"; choose one of target, client/);
    assert.equal(readdirSync(vm.clientLogsDir).length, logsBefore);
  });

  it("sends each invocation with its lane's variant, built there first", async () => {
    const log = join(vm.root, 'client-variants.jsonl');
    const before = relay.invokes();
    const bench = await nebula(vm, [
      'bench',
      '--profile',
      profile,
      '--functions',
      'hello',
      '--variants',
      'wasm; wasm:load=precompiled',
      '--driver',
      'client',
      '--log',
      log,
      '--json',
    ]);
    assert.equal(bench.code, 0, bench.stderr);
    const invocations = readRecords(log).filter((r) => r.type === 'invocation');
    assert.equal(invocations.length, 8);
    assert.equal(relay.invokes() - before, 8);
    assert.deepEqual(
      [...new Set(invocations.map((r) => `${r.runtime}[${r.variant ?? ''}]`))].sort(),
      ['wasm[]', 'wasm[load=precompiled]'],
    );
    assert.ok(
      invocations.every((r) => r.ok === true),
      JSON.stringify(invocations[0]),
    );
    const wrong = await fetch(`${vm.url}/functions/hello/invoke?runtime=wasm&variant=load=warp`, {
      method: 'POST',
      body: '',
    });
    assert.equal(wrong.status, 400);
    assert.equal(((await wrong.json()) as { field: string }).field, 'variant');
  });

  it('attributes power read at the target, placed on this clock, to blocks timed here', async () => {
    const log = join(vm.root, 'client-energy.jsonl');
    const serverLogsBefore = vm.serverLogs().length;
    const bench = await nebula(vm, [
      'bench',
      '--profile',
      profile,
      '--power',
      '--driver',
      'client',
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
      '--log',
      log,
      '--json',
    ]);
    assert.equal(bench.code, 0, bench.stderr);
    const printed = JSON.parse(bench.stdout) as {
      results: Array<{ runtime: string; energy?: { grossMicroWhPerInvocation: number | null } }>;
    };
    for (const row of printed.results)
      assert.ok(row.energy?.grossMicroWhPerInvocation, `${row.runtime} has a figure`);
    // The session ran here: the gateway wrote no experiment of its own.
    assert.equal(vm.serverLogs().length, serverLogsBefore);

    const records = readRecords(log);
    assert.equal(experimentOf(records).driver, 'client');
    const syncs = records.filter((r) => r.type === 'clock-sync') as Array<
      LogRecord & { phase: string; offsetNs: string; uncertaintyMs: number; driftMs?: number }
    >;
    assert.deepEqual(
      syncs.map((s) => s.phase),
      ['before', 'after'],
    );
    // One machine, one monotonic clock: the offset measured is zero to within its bound.
    for (const sync of syncs) {
      assert.ok(Math.abs(Number(sync.offsetNs)) / 1e6 <= sync.uncertaintyMs, JSON.stringify(sync));
    }
    const offset = BigInt(syncs[0]?.offsetNs as string);
    const readings = records.filter((r) => r.type === 'power') as Array<
      LogRecord & { source: string; receivedAt: { monoNs: string }; targetAt?: { monoNs: string } }
    >;
    assert.ok(readings.length >= 6, `${readings.length} readings`);
    for (const reading of readings) {
      assert.equal(reading.source, `mqtt tasmota ${PLUG_TOPIC}`);
      assert.equal(reading.simulated, true);
      assert.ok(reading.targetAt, 'each reading keeps the time the target took it');
      assert.equal(
        BigInt(reading.receivedAt.monoNs),
        BigInt(reading.targetAt.monoNs) - offset,
        'placed on this clock by the offset measured before the run',
      );
    }
    const blocks = records.filter((r) => r.type === 'block') as Array<
      LogRecord & { startNs: string; endNs: string }
    >;
    assert.equal(blocks.length, 4);
    const blockInvocations = records.filter(
      (r) => r.type === 'invocation' && r.block !== undefined,
    ) as Array<LogRecord & { startNs: string; clientRoundTripMs: number }>;
    assert.ok(blockInvocations.every((r) => typeof r.clientRoundTripMs === 'number'));
    // Readings fall inside the blocks timed here (the plug reads every 250 ms).
    for (const block of blocks) {
      const inside = readings.filter(
        (r) =>
          BigInt(r.receivedAt.monoNs) >= BigInt(block.startNs) &&
          BigInt(r.receivedAt.monoNs) <= BigInt(block.endNs),
      );
      assert.ok(inside.length >= 1, `block ${block.startNs}..${block.endNs} holds a reading`);
    }
    const energy = records.filter((r) => r.type === 'energy');
    assert.equal(energy.length, 2);

    const report = await nebula(vm, ['report', log]);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /- Driver: client;/);
    assert.match(report.stdout, /- Clocks: before: target − client -?\d+\.\d{3} ms ± /);
    assert.match(report.stdout, /mqtt tasmota vm-plug \(mqtt, SIMULATED\)/);
  });
});
