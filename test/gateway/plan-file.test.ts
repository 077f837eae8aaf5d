/**
 * A plan file through a gateway: POST /experiments with "planFile" (the JSON a user writes)
 * and `nebula bench --plan FILE` on a gateway profile, both on the real Wasm runtime and the
 * real Docker engine, through the one measurement session and its log.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { wasiNodeFlags } from '../../source/core/node-support.js';
import { DEFAULT_EXPERIMENT_SETTINGS } from '../../source/measure/plan-from-profile.js';
import { sessionHeader } from '../../source/session/header.js';
import { readSessionLog } from '../../source/session/read-log.js';
import { isInvocation } from '../../source/session/records.js';
import { SessionLog } from '../../source/session/session-log.js';
import { bearer, call, startGateway } from './http.js';

const run = promisify(execFile);
const NEBULA = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
const TOKEN = 'plan-file-token';
const auth = bearer(TOKEN);

const dir = mkdtempSync(join(tmpdir(), 'nebula-gateway-plan-'));
const gatewayLogs = join(dir, 'gateway-logs');
mkdirSync(gatewayLogs);

/** Runtimes the file leaves out come from nowhere: it names them; repetitions from the profile. */
const planFile = {
  nebulaPlan: 1,
  name: 'gateway-small',
  runtimes: ['wasm-p1', 'container'],
  warmup: 0,
  functions: [
    { name: 'prime-number', inputs: { from: 1, to: 5, step: 2 } },
    { name: 'as-prime-number', inputs: ['7'] },
  ],
};

async function nebula(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [...wasiNodeFlags(), NEBULA, ...args], {
      env: { ...process.env, NEBULA_LOGS_DIR: join(dir, 'client-logs') },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Every gateway log's invocations, as function(input)@runtime=output. */
function gatewayInvocations(): string[] {
  return readdirSync(gatewayLogs)
    .sort()
    .flatMap((file) =>
      readSessionLog(join(gatewayLogs, file))
        .records.filter(isInvocation)
        .map((r) => `${r.function}(${r.input})@${r.runtime}=${r.ok ? r.output.trim() : r.error}`),
    );
}

describe('a plan file through a gateway', { timeout: 240_000 }, () => {
  let server: Awaited<ReturnType<typeof startGateway>>;
  let url = '';
  before(async () => {
    server = await startGateway({
      token: TOKEN,
      profile: {
        name: 'gw',
        label: 'a gateway here',
        experiment: { ...DEFAULT_EXPERIMENT_SETTINGS, repetitions: 2 },
      },
      openLog: () => {
        const log = SessionLog.create('gw', { dir: gatewayLogs });
        log.append(sessionHeader('gw', server.engine.catalog.functions));
        return log;
      },
    });
    url = server.url;
    const rows = await server.engine.deploy(
      ['prime-number', 'as-prime-number'],
      ['wasm-p1', 'container'],
    );
    const failed = rows.filter((row) => !row.ok);
    assert.deepEqual(failed, [], 'deploy for the test (is the Docker engine up? DOCKER_HOST)');
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('POST /experiments runs a plan file, thinned, with the skipped cells on its start line', async () => {
    const answer = await call(`${url}/experiments`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ protocol: 1, planFile, thin: 2 }),
    });
    assert.equal(answer.status, 200, answer.text);
    const lines = answer.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const start = lines.find((line) => line.type === 'start');
    assert.deepEqual(
      {
        ...start.planFile,
        skipped: start.planFile.skipped.map((s: { runtime: string }) => s.runtime),
      },
      // prime-number 1 and 5 (one in 2 kept) on both runtimes, as-prime-number 7 on wasm-p1:
      // (2 x 2 + 1) cells x 2 repetitions, the gateway profile's.
      { name: 'gateway-small', thin: 2, skipped: ['container'], invocations: 10 },
    );
    assert.equal(lines.at(-1).type, 'done', answer.text.slice(-500));
    assert.deepEqual(gatewayInvocations().sort(), [
      'as-prime-number(7)@wasm-p1=17',
      'as-prime-number(7)@wasm-p1=17',
      'prime-number(1)@container=2',
      'prime-number(1)@container=2',
      'prime-number(1)@wasm-p1=2',
      'prime-number(1)@wasm-p1=2',
      'prime-number(5)@container=11',
      'prime-number(5)@container=11',
      'prime-number(5)@wasm-p1=11',
      'prime-number(5)@wasm-p1=11',
    ]);
  });

  it('refuses a bad plan file with 400, naming the field and the fix, and runs nothing', async () => {
    const before = gatewayInvocations().length;
    const refused = async (body: unknown) => {
      const answer = await call(`${url}/experiments`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify(body),
      });
      assert.equal(answer.status, 400, answer.text);
      return answer.json as { error: string; field: string };
    };
    const zero = await refused({ protocol: 1, planFile: { ...planFile, repetitions: 0 } });
    assert.equal(zero.field, 'planFile.repetitions');
    assert.match(zero.error, /planFile: invalid plan file: repetitions: .*at least 1/);
    const range = await refused({
      protocol: 1,
      planFile: { ...planFile, functions: [{ name: 'prime-number', inputs: { from: 9, to: 1 } }] },
    });
    assert.equal(range.field, 'planFile.functions[0].inputs');
    assert.match(range.error, /write from <= to/);
    const unknown = await refused({
      protocol: 1,
      planFile: { ...planFile, functions: [{ name: 'primes', inputs: ['1'] }] },
    });
    assert.equal(unknown.field, 'planFile.functions[0].name');
    assert.match(unknown.error, /unknown function "primes"/);
    const thin = await refused({ protocol: 1, planFile, thin: 0 });
    assert.equal(thin.field, 'thin');
    assert.match(thin.error, /whole number K >= 1/);
    const both = await refused({ protocol: 1, planFile, plan: {} });
    assert.match(both.error, /send "plan" or "planFile", not both/);
    assert.equal(gatewayInvocations().length, before);
  });

  it('nebula bench --plan FILE on a gateway profile sends the plan there, logged on both sides', async () => {
    const profile = join(dir, 'gw-profile.json');
    writeFileSync(
      profile,
      JSON.stringify({
        name: 'gw-client',
        label: 'the gateway of this test',
        target: { kind: 'gateway', url, token: TOKEN },
        experiment: { repetitions: 1, warmup: 0 },
      }),
    );
    const file = join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify(planFile));
    const log = join(dir, 'client.jsonl');
    const before = gatewayInvocations().length;
    const bench = await nebula([
      'bench',
      '--plan',
      file,
      '--thin',
      '2',
      '--profile',
      profile,
      '--log',
      log,
    ]);
    assert.equal(bench.code, 0, bench.stderr);
    assert.match(bench.stderr, /skipped: as-prime-number on container: AssemblyScript/);
    // The client's profile fills the file's gaps: 1 repetition, so 5 invocations.
    assert.match(
      bench.stderr,
      /plan gateway-small: 5 invocations \(2 functions, 3 inputs \(one in 2 kept\)/,
    );
    assert.match(bench.stderr, /running on .* through the gateway http:\/\/127\.0\.0\.1/);
    const client = readSessionLog(log).records;
    assert.ok(
      client.some((r) => r.type === 'target'),
      'the client log names the gateway',
    );
    const mine = client
      .filter(isInvocation)
      .map((r) => `${r.function}(${r.input})@${r.runtime}=${r.output.trim()}`);
    assert.deepEqual(mine.slice().sort(), [
      'as-prime-number(7)@wasm-p1=17',
      'prime-number(1)@container=2',
      'prime-number(1)@wasm-p1=2',
      'prime-number(5)@container=11',
      'prime-number(5)@wasm-p1=11',
    ]);
    assert.deepEqual(gatewayInvocations().slice(before).sort(), mine.slice().sort());
  });
});
