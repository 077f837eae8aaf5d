/**
 * One plan file, one power trace, three faces: `nebula bench --plan FILE --thin 2`, the
 * console's plan picker (thinned by 2, Enter) and a gateway's POST /experiments with
 * "planFile" and "thin": 2 all run it through the one measurement session, and their figures
 * must be the same bytes (the experiment's random id aside).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Manifest } from '../../source/catalog/manifest.js';
import { bench } from '../../source/cli/commands/bench.js';
import { ConsoleController } from '../../source/console/controller.js';
import type { InvocationEngine } from '../../source/engine/invocation-engine.js';
import { Gateway } from '../../source/gateway/server.js';
import { type ExperimentFigures, figuresOf } from '../../source/measure/session.js';
import { fakeHere, invokeOnly } from '../engine-stubs.js';
import { call } from '../gateway/http.js';
import { LOAD, TracePower, VirtualClock } from './trace.js';

const root = mkdtempSync(join(tmpdir(), 'nebula-plan-faces-'));
const plansDir = join(root, 'plans');
mkdirSync(plansDir);
mkdirSync(join(root, 'profiles'));
const previous = process.env.NEBULA_PLANS_DIR;
process.env.NEBULA_PLANS_DIR = plansDir;
after(() => {
  rmSync(root, { recursive: true, force: true });
  if (previous === undefined) delete process.env.NEBULA_PLANS_DIR;
  else process.env.NEBULA_PLANS_DIR = previous;
});

/** What the plan file leaves out (repetitions, warm-ups, idle) comes from here on every face. */
const experiment = {
  repetitions: 3,
  warmup: 1,
  pauseMs: 0,
  baselineSeconds: 5,
  blocks: 2,
  blockSeconds: 3,
};
const profilePath = join(root, 'profiles', 'trace.json');
writeFileSync(
  profilePath,
  JSON.stringify({ name: 'trace', label: 'virtual trace', power: { source: 'rapl' }, experiment }),
);

const planFile = {
  nebulaPlan: 1,
  name: 'faces',
  runtimes: ['wasm', 'container'],
  mode: 'warm',
  power: { blocks: 2 },
  functions: [{ name: 'hello', inputs: ['a', 'b', 'c'] }],
};
const planPath = join(plansDir, 'faces.json');
writeFileSync(planPath, JSON.stringify(planFile));

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
  const inputs: string[] = [];
  const engine: InvocationEngine = {
    catalog: { functions: [{ name: 'hello', manifest }], problems: [] },
    fn: () => ({ name: 'hello', manifest }),
    invoke: (fn, runtime, req) => {
      inputs.push(req.input);
      return invoke(
        { function: fn, runtime: runtime as 'wasm', mode: req.mode, input: req.input },
        new AbortController().signal,
      );
    },
    on: () => undefined,
    off: () => undefined,
    close: async () => {},
    ...invokeOnly,
  };
  return { clock, power, engine, inputs };
}

/** The figures with the experiment's id replaced, as text; and which inputs ran. */
function text(figures: ExperimentFigures, inputs: string[]): string {
  assert.deepEqual([...new Set(inputs)], ['a', 'c'], 'every 2nd input, from the first');
  return JSON.stringify(figures).replaceAll(figures.experiment, 'EXP');
}

async function viaBench(): Promise<string> {
  const { clock, power, engine, inputs } = rig();
  let err = '';
  const outcome = await bench(
    // --runtimes and --mode as commander fills them in; the plan file's own win.
    {
      plan: planPath,
      thin: 2,
      runtimes: 'wasm,wasm-p1,container',
      mode: 'cold',
      json: true,
      log: false,
      profile: profilePath,
    },
    {
      createEngine: async () => fakeHere(engine),
      createPower: () => power,
      clock,
      out: () => {},
      err: (t) => {
        err += t;
      },
      interactive: false,
    },
  );
  assert.match(err, /plan faces: energy by blocks of time/);
  assert.ok(outcome, 'bench ran the plan');
  return text(figuresOf(outcome), inputs);
}

async function viaConsole(): Promise<string> {
  const { clock, power, engine, inputs } = rig();
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
    controller.openPlans();
    controller.thinPlans(1);
    const { entries, thin } = controller.state.plans;
    assert.equal(thin, 2);
    const at = entries.findIndex((entry) => entry.path === planPath);
    assert.ok(at >= 0, 'the plan is listed');
    controller.store.dispatch({ type: 'plans-move', delta: at });
    controller.runPlan();
    await controller.experimentDone();
    assert.equal(controller.state.message?.error, false, controller.state.message?.text);
    const outcome = controller.lastOutcome;
    assert.ok(outcome, 'the console ran the plan');
    assert.equal(controller.state.experiment?.plan?.name, 'faces');
    return text(figuresOf(outcome), inputs);
  } finally {
    await controller.close('test end');
  }
}

async function viaGateway(): Promise<string> {
  const { clock, power, engine, inputs } = rig();
  const gateway = new Gateway({
    engine,
    power,
    clock,
    profile: { name: 'trace', label: 'virtual trace', experiment },
  });
  const { url } = await gateway.listen(0, '127.0.0.1');
  try {
    const answer = await call(`${url}/experiments`, {
      method: 'POST',
      body: JSON.stringify({ protocol: 1, planFile, thin: 2 }),
    });
    assert.equal(answer.status, 200, answer.text);
    const done = answer.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .at(-1);
    assert.equal(done.type, 'done', answer.text.slice(-300));
    return text(done.figures, inputs);
  } finally {
    await gateway.close();
  }
}

describe('one plan file through every face', { timeout: 30_000 }, () => {
  it('bench --plan, the console plan picker and a gateway planFile agree byte for byte', async () => {
    const fromBench = await viaBench();
    assert.match(fromBench, /"netMicroWhPerInvocation":\d/);
    assert.equal(await viaConsole(), fromBench);
    assert.equal(await viaGateway(), fromBench);
  });
});
