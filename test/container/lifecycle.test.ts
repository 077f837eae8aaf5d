import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { Engine } from '../../source/engine/engine.js';
import { ContainerRuntime } from '../../source/runtimes/container/index.js';
import { machineIdentity, ownerLabel } from '../../source/runtimes/container/labels.js';
import {
  containersLabelled,
  engineClient,
  eventually,
  removeLeftBehind,
  requireEngine,
  testLabel,
} from './helpers.js';

const runtimeModule = new URL('../../source/runtimes/container/index.js', import.meta.url).href;
const catalogModule = new URL('../../source/catalog/catalog.js', import.meta.url).href;

/** A separate Nebula process that runs one invocation and then holds on, as a session would. */
function holder(
  labels: Record<string, string>,
  mode: 'warm' | 'cold',
  input: string,
): ChildProcess {
  const code = `
    const { ContainerRuntime } = await import(${JSON.stringify(runtimeModule)});
    const { loadCatalog } = await import(${JSON.stringify(catalogModule)});
    const runtime = await ContainerRuntime.create({ labels: ${JSON.stringify(labels)} });
    const fn = loadCatalog().get('faulty');
    process.stdout.write('created\\n');
    const run = runtime.invoke(fn, { input: ${JSON.stringify(input)}, mode: '${mode}' });
    if ('${mode}' === 'warm') { await run; process.stdout.write('invoked\\n'); }
    setInterval(() => {}, 1000);
  `;
  return spawn(process.execPath, ['--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function line(child: ChildProcess, text: string): Promise<void> {
  let seen = '';
  for await (const chunk of child.stdout ?? []) {
    seen += chunk;
    if (seen.includes(text)) return;
  }
  throw new Error(`the child exited before printing "${text}" (printed ${JSON.stringify(seen)})`);
}

describe('no container left behind', { timeout: 120_000 }, () => {
  before(requireEngine);
  const label = testLabel();
  const docker = engineClient();
  const mine = () => containersLabelled(docker, label.key, label.value);
  const children: ChildProcess[] = [];

  before(async () => {
    const engine = new Engine();
    const runtime = await ContainerRuntime.create({ labels: label.labels });
    await runtime.deploy(engine.fn('faulty'));
    await runtime.close();
    await engine.close();
  });

  after(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await removeLeftBehind(label);
  });

  it('a warm container goes away by itself when its Nebula process is killed -9', async () => {
    const child = holder(label.labels, 'warm', 'ok');
    children.push(child);
    await line(child, 'invoked');
    assert.equal((await mine()).length, 1);
    child.kill('SIGKILL');
    await once(child, 'exit');
    assert.ok(
      await eventually(async () => (await mine()).length === 0),
      'the warm container outlived its owner',
    );
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} stops warm containers and cold runs in flight, then the process ends by the signal`, async () => {
      const warm = holder(label.labels, 'warm', 'ok');
      const cold = holder(label.labels, 'cold', 'loop');
      children.push(warm, cold);
      await Promise.all([line(warm, 'invoked'), line(cold, 'created')]);
      const running = await eventually(
        async () => (await mine()).filter((info) => info.State === 'running').length === 2,
      );
      assert.ok(running, 'the two containers did not start');
      warm.kill(signal);
      cold.kill(signal);
      const [[, warmSignal], [, coldSignal]] = await Promise.all([
        once(warm, 'exit'),
        once(cold, 'exit'),
      ]);
      assert.deepEqual([warmSignal, coldSignal], [signal, signal]);
      // Removed before the process ended: no waiting for the engine to notice.
      assert.deepEqual(
        (await mine()).map((info) => info.Labels['nebula.mode']),
        [],
      );
    });
  }

  it('the sweep at start removes what a dead process of this machine left, and leaves others alone', async () => {
    const finished = spawn(process.execPath, ['-e', '']);
    await once(finished, 'exit');
    const me = machineIdentity();
    const deadOwner = ownerLabel(finished.pid, me, '1');
    // Another Pi on the same engine, even one with the same host name and pid.
    const otherPi = { machineId: 'f'.repeat(32), bootId: 'e'.repeat(36), pidNamespace: '1' };
    const image = (await docker.listImages({ filters: { label: ['nebula.function=faulty'] } }))[0]
      ?.RepoTags?.[0];
    assert.ok(image, 'no faulty image');
    const make = (owner: string) =>
      docker.createContainer({
        Image: image,
        Labels: { ...label.labels, nebula: '1', 'nebula.owner': owner },
      });
    const orphan = await make(deadOwner);
    const neighbour = await make(ownerLabel(finished.pid, otherPi, '1'));
    const sameName = await make(`${hostname()}:${finished.pid}:1`);
    const alive = await make(ownerLabel());
    const runtime = await ContainerRuntime.create({ labels: label.labels });
    await runtime.close();
    const left = (await mine()).map((info) => info.Id).sort();
    assert.deepEqual(left, [neighbour.id, sameName.id, alive.id].sort());
    assert.ok(!left.includes(orphan.id));
    for (const kept of [neighbour, sameName, alive]) await kept.remove({ force: true });
  });
});
