import { useInput, useStdin } from '#ui-vendor';

/**
 * Keeps the terminal in raw mode for the console's whole life. Ink counts the active key
 * hooks and leaves raw mode when the count reaches zero; opening an overlay deactivates one
 * hook and activates another, and in between the terminal was briefly cooked again: keys
 * typed then were echoed onto the screen and Backspace was eaten by the line discipline.
 */
export function useRawModeHeld(): void {
  const { isRawModeSupported } = useStdin();
  useInput(() => undefined, { isActive: isRawModeSupported === true });
}
