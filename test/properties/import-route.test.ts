/**
 * POST /import of one name, several at once, good and refused modules mixed: every good one
 * is answered 200 and every refused one 400 with its own reason (never a file another import
 * removed), and what is installed afterwards is one module accepted in that round, whole
 * (catalog, folder and both Wasm runtimes agree), or the earlier one when none was accepted.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from '@bytecodealliance/jco';
import fc from 'fast-check';
import { defaultFunctionsDir } from '../../source/catalog/catalog.js';
import { Engine } from '../../source/engine/engine.js';
import { Gateway } from '../../source/gateway/server.js';
import { call } from '../gateway/http.js';
import { runs } from './runs.js';

export const IMPORT_ROUNDS = 8;

const CONFORMANCE = fileURLToPath(new URL('../../../test/fixtures/conformance/', import.meta.url));
const probe = (name: string) => readFileSync(join(CONFORMANCE, name, 'build', `${name}.wasm`));

interface Candidate {
  label: string;
  bytes: Buffer;
  /** What `args` prints when this one is installed; null: it is refused. */
  args: string | null;
  refusal?: RegExp;
  memoryMb?: number;
}

const CANDIDATES: Candidate[] = [
  { label: 'c-probe', bytes: probe('c-probe'), args: 'args 1 same\n' },
  { label: 'wat-shapes', bytes: probe('wat-shapes'), args: 'args' },
  {
    label: 'text',
    bytes: Buffer.from('not wasm at all'),
    args: null,
    refusal: /not a Wasm module or component/,
  },
  // Refused late, after it was wrapped and transpiled in its staging folder: its memory
  // starts at 2 MiB, over the 1 MiB it is given.
  {
    label: 'big-memory',
    bytes: Buffer.alloc(0),
    args: null,
    refusal: /more than its limit of 1024 KiB/,
    memoryMb: 1,
  },
];

describe('POST /import of one name at once', { timeout: 300_000 }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'nebula-import-route-'));
  const functionsDir = join(scratch, 'functions');
  cpSync(join(defaultFunctionsDir(), 'hello'), join(functionsDir, 'hello'), { recursive: true });
  const engine = new Engine({ functionsDir });
  const gateway = new Gateway({ engine });
  let url = '';
  before(async () => {
    url = (await gateway.listen(0, '127.0.0.1')).url;
    const big = CANDIDATES.find((candidate) => candidate.label === 'big-memory') as Candidate;
    big.bytes = Buffer.from(
      await parse(`(module
        (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
        (memory (export "memory") 32)
        (func (export "_start")))`),
    );
  });
  after(async () => {
    await gateway.close();
    await engine.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('answers each import for itself and installs one accepted module, whole', async () => {
    let installed: Candidate | null = null;
    await fc.assert(
      fc.asyncProperty(
        // Labels, so a counterexample prints short.
        fc.array(fc.constantFrom(...CANDIDATES.map((candidate) => candidate.label)), {
          minLength: 2,
          maxLength: 4,
        }),
        async (labels) => {
          const round = labels.map(
            (label) => CANDIDATES.find((candidate) => candidate.label === label) as Candidate,
          );
          const replies = await Promise.all(
            round.map((candidate) =>
              call(`${url}/import`, {
                method: 'POST',
                body: JSON.stringify({
                  path: `${candidate.label}.wasm`,
                  file: `${candidate.label}.wasm`,
                  wasm: candidate.bytes.toString('base64'),
                  name: 'same',
                  ...(candidate.memoryMb ? { memoryMb: candidate.memoryMb } : {}),
                }),
              }),
            ),
          );
          round.forEach((candidate, i) => {
            const reply = replies[i];
            assert.ok(reply);
            if (candidate.args === null) {
              assert.equal(reply.status, 400, reply.text);
              assert.match(reply.json.error, candidate.refusal as RegExp);
            } else assert.equal(reply.status, 200, `${candidate.label}: ${reply.text}`);
          });
          const accepted = round.filter((candidate) => candidate.args !== null);
          if (accepted.length > 0) {
            const onDisk = readFileSync(join(functionsDir, 'user', 'same', 'build', 'same.wasm'));
            installed = accepted.find((candidate) => candidate.bytes.equals(onDisk)) ?? null;
            assert.ok(installed, 'the installed module is one accepted in this round');
          }
          if (!installed) return;
          for (const runtime of ['wasm', 'wasm-p1']) {
            const result = await engine.invoke('same', runtime, { input: 'args', mode: 'warm' });
            assert.equal(result.output, installed.args, `${runtime}: ${result.error}`);
          }
        },
      ),
      runs(IMPORT_ROUNDS),
    );
  });
});
