/**
 * The faces' engine contract (target/target-engine.ts) answered the same on this machine
 * (LocalEngine) and through a gateway (RemoteEngine) in front of that very engine: the
 * catalog and deploy state, sizes, the power source and its stream, readiness, and where the
 * functions run. Both engines come from createEngineForProfile, as every face gets its own.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Gateway } from '../../source/gateway/server.js';
import { parseExperimentPlan } from '../../source/measure/plan.js';
import type { PowerSample } from '../../source/power/sample.js';
import { type Profile, profileSchema } from '../../source/profiles/schema.js';
import { createEngineForProfile } from '../../source/target/engine-for-profile.js';
import type { TargetEngine } from '../../source/target/target-engine.js';

const FUNCTIONS = fileURLToPath(new URL('../../../functions', import.meta.url));
const TOKEN = 'contract-token';

/** A function folder without its deploy output (build/jco), as a fresh machine has it. */
function copyFunction(name: string, into: string): void {
  const to = join(into, name);
  mkdirSync(join(to, 'build'), { recursive: true });
  cpSync(join(FUNCTIONS, name, 'function.json'), join(to, 'function.json'));
  for (const file of readdirSync(join(FUNCTIONS, name, 'build'))) {
    if (file !== 'jco') cpSync(join(FUNCTIONS, name, 'build', file), join(to, 'build', file));
  }
}

/** The first reading a source gives after start, or a failure naming the wait. */
function firstSample(
  engine: TargetEngine,
): Promise<{ sample: PowerSample; stop: () => Promise<void> }> {
  const source = engine.openPower();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no reading within 10 s')), 10_000);
    source.once('sample', (sample) => {
      clearTimeout(timer);
      resolve({ sample, stop: () => source.stop() });
    });
    source.start().catch(reject);
  });
}

describe('the engine contract, here and through a gateway', { timeout: 120_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'nebula-contract-'));
  const functionsDir = join(root, 'functions');
  const here: Profile = profileSchema.parse({
    name: 'here',
    label: 'this machine',
    // No Docker engine answers there: sizes are asked with images: false.
    docker: { host: `unix://${join(root, 'no-docker.sock')}` },
    power: { source: 'estimate', idleWatts: 2, fullWatts: 5 },
  });
  let local: TargetEngine;
  let remote: TargetEngine;
  let gateway: Gateway;
  let power: ReturnType<TargetEngine['openPower']>;
  before(async () => {
    for (const name of ['hello', 'as-hello']) copyFunction(name, functionsDir);
    local = await createEngineForProfile(here, { functionsDir });
    power = local.openPower();
    gateway = new Gateway({ engine: local, power, token: TOKEN, profile: here });
    const { url } = await gateway.listen(0, '127.0.0.1');
    const there = profileSchema.parse({
      name: 'there',
      label: 'the gateway',
      target: { kind: 'gateway', url, token: TOKEN },
    });
    remote = await createEngineForProfile(there);
  });
  after(async () => {
    await remote?.close();
    await gateway?.close();
    await power?.stop();
    await local?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('says where the functions run', () => {
    assert.deepEqual(local.where, { gateway: null, host: hostname(), machine: null });
    const { gateway: url, host, machine } = remote.where;
    assert.match(url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(host, hostname(), 'the gateway described its machine at connection');
    assert.equal(machine?.hostname, hostname());
  });

  it('lists the same catalog with the same deploy state', async () => {
    const names = (engine: TargetEngine) => engine.catalog.functions.map((fn) => fn.name).sort();
    assert.deepEqual(names(remote), names(local));
    assert.deepEqual(names(local), ['as-hello', 'hello']);
    const runtimes = ['wasm', 'wasm-p1'] as const;
    assert.deepEqual(await remote.functionStates(runtimes), await local.functionStates(runtimes));
  });

  it('measures the same deployed sizes, the gateway its own files', async () => {
    const query = { functions: ['hello'], images: false };
    const [mine, theirs] = [await local.sizes(query), await remote.sizes(query)];
    assert.deepEqual(Object.keys(theirs.functions), ['hello']);
    assert.deepEqual(theirs.functions, mine.functions);
    assert.equal(typeof theirs.functions.hello?.wasm, 'number');
  });

  it("describes the same power source and streams its readings, the gateway's labelled as its own", async () => {
    assert.deepEqual(local.powerOrigin(), { kind: 'estimate', simulated: false, broker: null });
    assert.deepEqual(remote.powerOrigin(), { kind: 'estimate', simulated: false, broker: null });
    const mine = await firstSample(local);
    const theirs = await firstSample(remote);
    try {
      for (const { sample } of [mine, theirs]) {
        assert.ok(sample.watts >= 2 && sample.watts <= 5, `${sample.watts} W within idle..full`);
      }
      assert.equal(remote.openPower().label, power.label);
    } finally {
      await mine.stop();
      await theirs.stop();
    }
    // The gateway's source is its own: a flag here cannot replace it.
    assert.throws(
      () => remote.openPower({ source: 'rapl' }),
      (error: Error) =>
        error.name === 'UsageError' &&
        /profile there runs functions on the gateway .*drop the power flags/.test(error.message),
    );
  });

  it('refuses a plan whose functions are not deployed, naming what to deploy', async () => {
    const plan = parseExperimentPlan({
      functions: [{ name: 'hello', inputs: [''] }],
      runtimes: ['wasm'],
      modes: ['cold'],
    });
    await assert.rejects(
      local.checkReady(plan, () => {}),
      /not deployed: hello on wasm; run `nebula deploy hello` first/,
    );
    await assert.rejects(
      remote.checkReady(plan, () => {}),
      /not deployed on the gateway http:\/\/127\.0\.0\.1:\d+: hello on wasm; run `nebula deploy hello --profile \.\.\.`/,
    );
  });

  it('heads a session log with the files it has here, none through a gateway', () => {
    const mine = local.header('here', ['hello']);
    const theirs = remote.header('there', ['hello']);
    assert.deepEqual(Object.keys(mine.functions), ['hello']);
    assert.equal(typeof mine.functions.hello?.wasm, 'string', 'the hash of the file here');
    assert.deepEqual(theirs.functions, {});
    assert.equal(theirs.machine.hostname, hostname(), "this process's machine either way");
  });
});
