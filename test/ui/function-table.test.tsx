/**
 * The function list at scale: with hundreds of functions only the rows around the selection
 * are drawn, each line fits the width, and the line under the table says how many are above
 * and below; the filter narrows the list and says how many match.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FunctionRow } from '../../source/console/state.js';
import { shownFunctions } from '../../source/console/state.js';
import { FunctionTable } from '../../source/ui/components/FunctionTable.js';
import { render } from './ink-testing.js';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

const functions: FunctionRow[] = Array.from({ length: 300 }, (_, i) => ({
  name: `fn-${String(i).padStart(3, '0')}${i % 10 === 0 ? '-ten' : ''}`,
  description: `function number ${i}, with a description longer than any terminal is wide `.repeat(
    4,
  ),
  defaultInput: '',
  inputFormat: '',
  deployed: { wasm: 'yes', 'wasm-p1': 'no', container: 'n/a' },
  unavailable: { container: 'no native binary' },
}));

function draw(selected: number, filter: string, columns: number) {
  const shown = shownFunctions({ functions, filter });
  const app = render(
    <FunctionTable
      functions={functions}
      shown={shown}
      selected={selected}
      wasmRuntime="wasm"
      filter={filter}
      filtering={false}
      columns={columns}
      visibleRows={5}
    />,
  );
  const frame = (app.lastFrame() ?? '').replace(ANSI, '');
  app.unmount();
  return frame.split('\n');
}

describe('the function list with 300 functions', () => {
  // (ink-testing-library draws 100 columns wide: widths up to that.)
  for (const columns of [60, 80, 100]) {
    it(`draws five rows around the selection and counts the rest, at ${columns} columns`, () => {
      const lines = draw(150, '', columns);
      const rows = lines.filter((line) => /^│ [ >] │ fn-/.test(line));
      assert.deepEqual(
        rows.map((row) => row.split('│')[2]?.trim()),
        ['fn-148', 'fn-149', 'fn-150-ten', 'fn-151', 'fn-152'],
      );
      assert.match(rows[2] ?? '', /^│ > │ fn-150-ten /);
      assert.match(lines.at(-1) ?? '', /↑ 148 above {2}↓ 147 below/);
      for (const line of lines) assert.ok(line.length <= columns, `fits ${columns}: ${line}`);
    });
  }

  it('filters by name and says how many match', () => {
    const selected = functions.findIndex((fn) => fn.name === 'fn-290-ten');
    const lines = draw(selected, 'ten', 80);
    const rows = lines.filter((line) => /^│ [ >] │ fn-/.test(line));
    assert.equal(rows.length, 5);
    assert.ok(rows.every((row) => row.includes('-ten')));
    assert.match(lines.at(-1) ?? '', /filter "ten" {2}30 of 300 match {2}↑ 25 above/);
  });
});
