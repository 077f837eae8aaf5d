/** `nebula bench` end to end on the real Wasm runtimes and the real hello function. */

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PHASES } from '../../source/core/invocation.js';
import { wasiNodeFlags } from '../../source/core/node-support.js';
import { parseSessionLog, readSessionLog } from '../../source/session/read-log.js';

const CLI = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
const logs = mkdtempSync(join(tmpdir(), 'nebula-bench-test-'));
const env = { ...process.env, NEBULA_LOGS_DIR: logs };
const NODE_FLAGS = wasiNodeFlags();
const nebula = (...args: string[]) =>
  spawnSync(process.execPath, [...NODE_FLAGS, CLI, ...args], {
    encoding: 'utf8',
    timeout: 90_000,
    env,
  });

before(() => {
  const deployed = nebula('deploy', 'hello', '--runtime', 'wasm,wasm-p1');
  assert.equal(
    deployed.status,
    0,
    `deploy hello failed (run npm run build:functions?): ${deployed.stderr}`,
  );
});
after(() => rmSync(logs, { recursive: true, force: true }));

describe('nebula bench', { timeout: 180_000 }, () => {
  it('writes a warm run at least 5 times smaller than whole records, plain or gzip, reporting alike', () => {
    const plain = join(logs, 'warm.jsonl');
    const gz = join(logs, 'warm.jsonl.gz');
    for (const log of [plain, gz]) {
      const run = nebula(
        'bench',
        '--functions',
        'hello',
        '--runtimes',
        'wasm,wasm-p1',
        '--mode',
        'warm',
        '-n',
        '1500',
        '--warmup',
        '2',
        '--json',
        '--log',
        log,
      );
      assert.equal(run.status, 0, run.stderr);
    }
    const report = (log: string) => {
      const out = nebula('report', log);
      assert.equal(out.status, 0, out.stderr);
      return out.stdout;
    };
    for (const log of [plain, gz]) {
      // The same records as format 1 wrote them: one whole JSON object per line.
      const { records, warnings } = readSessionLog(log);
      assert.deepEqual(warnings, []);
      assert.equal(records.filter((r) => r.type === 'invocation').length, 3004);
      const whole = `${log}.whole.jsonl`;
      writeFileSync(whole, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      const ratio = statSync(whole).size / statSync(log).size;
      assert.ok(ratio >= 5, `${log} is ${ratio.toFixed(2)}x smaller than whole records`);
      const expected = report(whole);
      assert.match(expected, /hello/);
      assert.equal(report(log), expected.replaceAll(whole, log));
    }
    assert.ok(statSync(gz).size < statSync(plain).size, 'gzip makes it smaller still');
  });
  it('skips the cells a runtime can never run, with the reason, instead of failing them', () => {
    const run = nebula(
      'bench',
      '--functions',
      'as-hello',
      '--runtimes',
      'wasm-p1,container',
      '-n',
      '2',
      '--warmup',
      '0',
      '--json',
      '--no-log',
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stderr,
      /skipped: as-hello on container: AssemblyScript compiles to Wasm only/,
    );
    const out = JSON.parse(run.stdout);
    assert.deepEqual(
      out.results.map((r: { runtime: string; n: number; failures: number }) => [
        r.runtime,
        r.n,
        r.failures,
      ]),
      [['wasm-p1', 2, 0]],
    );
    assert.deepEqual(
      out.skipped.map((cell: { function: string; runtime: string }) => [
        cell.function,
        cell.runtime,
      ]),
      [['as-hello', 'container']],
    );
  });

  it('--functions hello --runtimes wasm,wasm-p1 -n 3 --json: stats per phase, ratios, a log', () => {
    const log = join(logs, 'e2e.jsonl');
    const run = nebula(
      'bench',
      '--functions',
      'hello',
      '--runtimes',
      'wasm,wasm-p1',
      '-n',
      '3',
      '--warmup',
      '1',
      '--json',
      '--log',
      log,
    );
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.deepEqual(
      out.results.map((r: { runtime: string; n: number; failures: number }) => [
        r.runtime,
        r.n,
        r.failures,
      ]),
      [
        ['wasm', 3, 0],
        ['wasm-p1', 3, 0],
      ],
    );
    for (const result of out.results) {
      assert.deepEqual(Object.keys(result.stats), [...PHASES]);
      const total = result.stats.totalMs;
      for (const key of ['mean', 'median', 'stddev', 'min', 'max', 'p95', 'p99']) {
        assert.equal(typeof total[key], 'number', key);
      }
      assert.ok(total.min <= total.median && total.median <= total.max);
      assert.deepEqual(Object.keys(total.ci).sort(), ['coverage', 'high', 'level', 'low']);
      assert.equal(result.mode, 'cold');
      assert.equal(result.input, '');
    }
    assert.equal(out.comparisons.length, 1);
    assert.equal(out.comparisons[0].numerator, 'wasm-p1');
    assert.equal(typeof out.comparisons[0].phases.totalMs.ratio, 'number');

    // biome-ignore lint/suspicious/noExplicitAny: the test reads fields of any record
    const lines = parseSessionLog(readFileSync(log, 'utf8'), log).records as any[];
    assert.equal(lines[0].type, 'header');
    assert.match(lines[0].functions.hello.wasm, /^[0-9a-f]{64}$/);
    const invocations = lines.filter((line) => line.type === 'invocation');
    assert.equal(invocations.length, 2 * (1 + 3));
    assert.deepEqual(
      invocations.map((line) => `${line.runtime}${line.warmup ? '-w' : ''}`),
      ['wasm-w', 'wasm-p1-w', 'wasm', 'wasm-p1', 'wasm', 'wasm-p1', 'wasm', 'wasm-p1'],
    );

    const report = nebula('report', log);
    assert.equal(report.status, 0, report.stderr);
    assert.match(report.stdout, /\| hello +\| "" +\| cold +\| wasm +\| 3 +\| 0 +\|/);
    assert.match(report.stdout, /wasm-p1 \/ wasm/);
  });

  it('Ctrl+C stops the run, prints what ran, and every printed invocation is in the log', async () => {
    const log = join(logs, 'interrupted.jsonl');
    const child = spawn(
      process.execPath,
      [
        ...NODE_FLAGS,
        CLI,
        'bench',
        '--functions',
        'hello',
        '--runtimes',
        'wasm,wasm-p1',
        '-n',
        '50000',
        '--warmup',
        '0',
        '--json',
        '--log',
        log,
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    // Wait for a few finished invocations in the log, by polling its content, then interrupt.
    const invocationsLogged = () =>
      existsSync(log)
        ? parseSessionLog(readFileSync(log, 'utf8'), log).records.filter(
            (r) => r.type === 'invocation',
          ).length
        : 0;
    while (invocationsLogged() < 6 && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /interrupted: \d+ of 100000 invocations ran/);
    const out = JSON.parse(stdout);
    assert.equal(out.aborted, true);
    const printed = out.results.reduce(
      (sum: number, r: { n: number; failures: number }) => sum + r.n + r.failures,
      0,
    );
    assert.ok(printed >= 6);
    assert.equal(
      printed,
      invocationsLogged(),
      'the printed results and the log hold the same invocations',
    );
  });

  it('rejects bad options with exit code 2 and a message that names the option', () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['--runtimes', 'wasm,docker'],
        /--runtimes: unknown "docker"; choose from wasm, wasm-p1, container/,
      ],
      [['--mode', 'hot'], /--mode: unknown "hot"/],
      [['--inputs', '9:1'], /FROM must not exceed TO/],
      [['-n', '0'], /-n must be at least 1/],
      [['--functions', 'nope'], /unknown function "nope"/],
      [['--json', '--markdown'], /choose one output format/],
    ];
    for (const [args, message] of cases) {
      const run = nebula('bench', '--functions', 'hello', '--no-log', ...args);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
    const missing = nebula('report', join(logs, 'missing.jsonl'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such file/);
  });
});
