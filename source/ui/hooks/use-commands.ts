import { useInput, useStdin } from '#ui-vendor';
import { type Command, commandFor, type Scope } from '../keymap.js';

/**
 * Calls `onCommand` with the command a key means in `scope`, while `isActive`. Overlays pass
 * isActive while open, so they own the keys; without a terminal on stdin nothing listens.
 */
export function useCommands(
  scope: Scope,
  onCommand: (command: Command) => void,
  isActive: boolean,
): void {
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      // Keys typed quickly (or sent by tmux) can arrive as one chunk: "jjb" is j, j, b.
      const presses = input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input];
      for (const press of presses) {
        // Enter inside such a chunk is a carriage return among the letters.
        const pressed = presses.length > 1 && press === '\r' ? { ...key, return: true } : key;
        const command = commandFor(scope, press, pressed);
        if (command) onCommand(command);
      }
    },
    // Only `false` turns the hook off; Ink's isRawModeSupported is undefined for /dev/null.
    { isActive: isActive && isRawModeSupported === true },
  );
}
