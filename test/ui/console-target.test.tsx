/**
 * The console switches from this machine to a gateway profile and back, like a person would:
 * `p`, down, Enter. On the gateway it shows that machine (status bar, log overlay), its
 * catalog and deploy state, its power source's readings with their own label, and runs an
 * experiment there; back on `local` it shows this machine again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConsoleController } from '../../source/console/controller.js';
import { Engine } from '../../source/engine/engine.js';
import { Gateway } from '../../source/gateway/server.js';
import { RemoteEngine } from '../../source/remote/remote-engine.js';
import { freePort } from '../power/broker.js';
import { readRecords, startVm, type Vm } from '../target/vm.js';
import { drawConsole, KEYS } from './console-harness.js';

describe('console on a gateway profile', { timeout: 180_000 }, () => {
  let vm: Vm;
  before(async () => {
    vm = await startVm();
  });
  after(async () => {
    await vm?.stop();
  });

  it('switches from local to the gateway and back, showing each machine, its functions and its power', async () => {
    const controller = new ConsoleController({
      profile: 'local',
      profilesDir: vm.profilesDir,
      logsDir: vm.clientLogsDir,
      probeIntervalMs: 300,
    });
    const { app, waitFor } = drawConsole(controller, { waitMs: 60_000 });
    const port = new URL(vm.url).port;
    try {
      void controller.start();
      // This machine: its whole catalog (exponential is not on the VM), no gateway.
      let f = await waitFor(
        (f) => f.includes(`on ${hostname()} docker`) && f.includes('exponential'),
        'local',
      );
      assert.doesNotMatch(f, /via 127\.0\.0\.1/);
      assert.match(f, /estimate/);

      app.stdin.write('p');
      await waitFor((f) => f.includes('local (current)') && f.includes('vm'), 'the picker');
      app.stdin.write(KEYS.down);
      await waitFor((f) => f.includes('> vm'), 'vm highlighted');
      app.stdin.write(KEYS.enter);
      f = await waitFor(
        (f) => f.includes(`via 127.0.0.1:${port} reachable`) && f.includes('fibonacci-recursive'),
        'the gateway',
      );
      // The gateway's two functions only, and its deploy state: Wasm not deployed there.
      assert.doesNotMatch(f, /exponential/);
      assert.doesNotMatch(f, /docker/, "this machine's Docker is not the gateway's");
      f = await waitFor((f) => /│ hello\s+│ no /.test(f), 'deploy state from the gateway');
      // Its simulated plug, not this profile's estimate, with the gateway source's label.
      f = await waitFor((f) => /now \d+\.\d+ W simulated/.test(f), 'the gateway power readings');
      assert.match(
        f,
        new RegExp(`functions run on ${hostname()} x86_64|functions run on ${hostname()} aarch64`),
      );

      app.stdin.write('l');
      f = await waitFor((f) => f.includes('machine:'), 'the log overlay');
      assert.match(
        f,
        new RegExp(`machine: [^\\n]*cores[\\s\\S]*\\(gateway http://127\\.0\\.0\\.1:${port}\\)`),
      );
      app.stdin.write(KEYS.escape);

      // As a person would with `nebula deploy hello --runtime wasm --profile vm` beside it.
      const remote = await RemoteEngine.connect({ url: vm.url });
      await remote.deploy(['hello'], ['wasm']);
      await remote.close();

      // An experiment on the gateway: its power source, its log and ours.
      app.stdin.write('m'); // warm
      app.stdin.write(KEYS.down); // hello
      await waitFor((f) => /> │ hello/.test(f), 'hello selected');
      const before = vm.serverLogs().length;
      app.stdin.write('s');
      await waitFor(
        (f) => /experiment exp-\S+ on wasm and container: \d+ invocations/.test(f),
        'the experiment to end',
        90_000,
      );
      assert.equal(vm.serverLogs().length, before + 1, 'the gateway logged it');
      const client = readRecords(vm.clientLogs().at(-1) as string);
      const target = client.find((r) => r.type === 'target') as unknown as { url: string };
      assert.equal(target.url, vm.url);
      const server = readRecords(vm.serverLogs().at(-1) as string);
      const readings = (records: typeof client) => records.filter((r) => r.type === 'power');
      assert.ok(readings(server).length > 0);
      assert.deepEqual(readings(client), readings(server));
      const energy = (records: typeof client) => records.filter((r) => r.type === 'energy');
      assert.ok(energy(server).length > 0, 'the gateway computed energy per cell');
      assert.deepEqual(energy(client), energy(server));

      app.stdin.write('p');
      await waitFor((f) => f.includes('vm (current)'), 'the picker again');
      // The picker lists local first: up to it, then Enter.
      app.stdin.write('k');
      await waitFor((f) => f.includes('> local'), 'local highlighted');
      app.stdin.write(KEYS.enter);
      f = await waitFor(
        (f) => f.includes(`on ${hostname()} docker`) && f.includes('exponential'),
        'back on local',
      );
      assert.doesNotMatch(f, /via 127\.0\.0\.1/);
    } finally {
      await controller.close('test end');
      app.unmount();
      app.cleanup();
    }
  });
});

describe('console on a gateway that is not up yet', { timeout: 60_000 }, () => {
  it('says it is unreachable, then connects by itself once the gateway answers', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nebula-ui-down-'));
    const port = await freePort();
    writeFileSync(
      join(root, 'late.json'),
      JSON.stringify({
        name: 'late',
        label: 'a gateway started after the console',
        target: { kind: 'gateway', url: `http://127.0.0.1:${port}` },
      }),
    );
    const controller = new ConsoleController({
      profile: 'late',
      profilesDir: root,
      logsDir: join(root, 'logs'),
      probeIntervalMs: 200,
    });
    const { app, waitFor } = drawConsole(controller);
    const engine = new Engine();
    const gateway = new Gateway({ engine });
    try {
      void controller.start();
      const down = await waitFor((f) => f.includes('UNREACHABLE'), 'the unreachable gateway');
      assert.match(down, /cannot start the engine for profile late: cannot reach gateway/);
      await gateway.listen(port, '127.0.0.1');
      await waitFor(
        (f) => f.includes(`via 127.0.0.1:${port} reachable`) && f.includes('hello'),
        'the gateway once it is up',
      );
    } finally {
      await controller.close('test end');
      app.unmount();
      app.cleanup();
      await gateway.close();
      await engine.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
