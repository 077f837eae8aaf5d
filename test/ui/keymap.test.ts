import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandFor, KEYMAP, type Scope } from '../../source/ui/keymap.js';

describe('keymap', { timeout: 10_000 }, () => {
  it('gives every command keys, a description and a category', () => {
    for (const binding of KEYMAP) {
      assert.ok(binding.keys.length > 0, binding.command);
      assert.ok(binding.description.length > 5, binding.command);
      assert.ok(binding.category, binding.command);
      assert.ok(binding.scopes.length > 0, binding.command);
    }
  });

  it('never binds one key to two commands in the same scope', () => {
    const scopes: Scope[] = ['main', 'help', 'input', 'profiles', 'log', 'results', 'plans'];
    for (const scope of scopes) {
      const seen = new Map<string, string>();
      for (const binding of KEYMAP.filter((b) => b.scopes.includes(scope))) {
        for (const key of binding.keys) {
          const id = `${key.ctrl ? 'ctrl+' : ''}${key.input ?? key.key}`;
          assert.equal(seen.get(id), undefined, `${id} in ${scope}`);
          seen.set(id, binding.command);
        }
      }
    }
  });

  it('matches keys to commands by scope', () => {
    assert.equal(commandFor('main', 'j', {}), 'down');
    assert.equal(commandFor('main', '', { downArrow: true }), 'down');
    assert.equal(commandFor('main', 'c', {}), 'invoke-container');
    assert.equal(commandFor('main', 'c', { ctrl: true }), 'quit');
    assert.equal(commandFor('input', 'q', {}), null, 'typing q in the editor is text');
    assert.equal(commandFor('input', '', { escape: true }), 'close');
    // Only x stops a run: a stray Esc on the main screen does nothing.
    assert.equal(commandFor('main', 'x', {}), 'stop-experiment');
    assert.equal(commandFor('main', '', { escape: true }), null);
    assert.equal(commandFor('main', 'f', {}), 'choose-plan');
    assert.equal(commandFor('plans', '', { escape: true }), 'close');
    assert.equal(commandFor('plans', '', { return: true }), 'confirm');
    assert.equal(commandFor('plans', '+', {}), 'thin-more');
    assert.equal(commandFor('plans', '', { leftArrow: true }), 'thin-less');
    assert.equal(commandFor('plans', 'j', {}), 'down');
    assert.equal(commandFor('plans', 'w', {}), null, 'no invoking from the picker');
  });
});
