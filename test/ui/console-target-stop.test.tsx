/**
 * `x` on an experiment that runs on a gateway: the gateway stops after its current
 * invocation, and what finished is kept alike in its log and the console's, marked stopped.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConsoleController } from '../../source/console/controller.js';
import { parseExperimentPlan } from '../../source/measure/plan.js';
import { RemoteEngine } from '../../source/remote/remote-engine.js';
import { readRecords, startVm, type Vm } from '../target/vm.js';
import { drawConsole, KEYS } from './console-harness.js';

/** Blocks long enough that `x` lands in the middle of the run. */
const LONG = {
  repetitions: 3,
  warmup: 0,
  pauseMs: 0,
  baselineSeconds: 1,
  blocks: 4,
  blockSeconds: 2,
};

describe('console stopping an experiment on a gateway', { timeout: 180_000 }, () => {
  let vm: Vm;
  before(async () => {
    vm = await startVm();
    writeFileSync(
      join(vm.profilesDir, 'vm-long.json'),
      JSON.stringify({
        name: 'vm-long',
        label: 'loopback VM, long blocks',
        target: { kind: 'gateway', url: vm.url },
        experiment: LONG,
      }),
    );
  });
  after(async () => {
    await vm?.stop();
  });

  it('x stops the run there and keeps what finished on both sides', async () => {
    const remote = await RemoteEngine.connect({ url: vm.url });
    await remote.deploy(['hello'], ['wasm']);
    const controller = new ConsoleController({
      profile: 'vm-long',
      profilesDir: vm.profilesDir,
      logsDir: vm.clientLogsDir,
      probeIntervalMs: 300,
    });
    const { app, frame, waitFor } = drawConsole(controller, { waitMs: 60_000 });
    const serverInvocations = () => {
      const log = vm.serverLogs().at(-1);
      return log ? readRecords(log).filter((r) => r.type === 'invocation').length : 0;
    };
    const before = vm.serverLogs().length;
    try {
      void controller.start();
      await waitFor(
        (f) => /reachable/.test(f) && /now \d+\.\d+ W simulated/.test(f),
        'the gateway and its plug',
      );
      app.stdin.write('m'); // warm
      app.stdin.write(KEYS.down); // hello
      await waitFor((f) => /> │ hello/.test(f), 'hello selected');
      app.stdin.write('s');
      // Some invocations ran there, in the first block.
      const deadline = Date.now() + 60_000;
      while (!(vm.serverLogs().length > before && serverInvocations() >= 3)) {
        if (Date.now() > deadline) throw new Error(`no invocations on the gateway:\n${frame()}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      app.stdin.write('x');
      const f = await waitFor((f) => /experiment exp-\S+ on .*\(stopped\)/.test(f), 'the stop');
      const id = /experiment (exp-\S+) on/.exec(f)?.[1] as string;

      const server = readRecords(vm.serverLogs().at(-1) as string).filter(
        (r) => r.experiment === id,
      );
      const client = readRecords(vm.clientLogs().at(-1) as string).filter(
        (r) => r.experiment === id,
      );
      assert.ok(server.length > 0, 'the gateway logged the experiment');
      assert.deepEqual(client, server, 'the same records on both sides');
      const end = server.at(-1) as { type: string; aborted: boolean };
      assert.equal(end.type, 'experiment-end');
      assert.equal(end.aborted, true);
      const invocations = server.filter((r) => r.type === 'invocation');
      assert.ok(invocations.length >= 3, `${invocations.length} invocations kept`);
      // Stopped early: far fewer blocks than the 8 planned (4 per runtime).
      const blocks = server.filter((r) => r.type === 'block').length;
      assert.ok(blocks < 8, `${blocks} blocks of 8`);

      // The gateway is free again: a new experiment is accepted there.
      const again = await remote.runExperiment(
        parseExperimentPlan({
          functions: [{ name: 'hello', inputs: [''] }],
          runtimes: ['wasm'],
          modes: ['warm'],
          repetitions: 2,
          warmup: 0,
        }),
      );
      assert.equal(again.aborted, false);
      assert.equal(again.invocations, 2);
    } finally {
      await controller.close('test end');
      app.unmount();
      app.cleanup();
      await remote.close();
    }
  });
});
