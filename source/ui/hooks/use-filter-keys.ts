import { useInput, useStdin } from '#ui-vendor';
import type { ConsoleStore } from '../../console/store.js';
import { printable } from '../components/InputEditor.js';
import { commandFor } from '../keymap.js';

/**
 * While the filter is typed (after `/`): letters narrow the list, Backspace widens it, the
 * arrows move through what is left, Enter keeps the filter, Escape clears it.
 */
export function useFilterKeys(store: ConsoleStore, isActive: boolean): void {
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      const filter = store.current.filter;
      const command = commandFor('filter', input, key);
      if (command === 'confirm') store.dispatch({ type: 'close' });
      else if (command === 'close') {
        store.dispatch({ type: 'filter', text: '' });
        store.dispatch({ type: 'close' });
      } else if (command === 'up' && input === '') store.dispatch({ type: 'move', delta: -1 });
      else if (command === 'down' && input === '') store.dispatch({ type: 'move', delta: 1 });
      else if (key.backspace || key.delete || /^[\x7f\b]+$/.test(input)) {
        store.dispatch({ type: 'filter', text: filter.slice(0, -Math.max(1, input.length)) });
      } else if (!key.ctrl && !key.meta) {
        // "fib\r" in one chunk (typed fast, or pasted): the letters, then Enter keeps them.
        const [letters = '', ...rest] = input.split('\r');
        store.dispatch({ type: 'filter', text: filter + printable(letters) });
        if (rest.length > 0) store.dispatch({ type: 'close' });
      }
      store.flush();
    },
    { isActive: isActive && isRawModeSupported === true },
  );
}
