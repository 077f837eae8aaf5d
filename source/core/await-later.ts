/**
 * Marks a promise that is created now and awaited later (or maybe never, when an earlier
 * step fails): its rejection is handled from this moment, so it cannot surface as an
 * unhandled rejection in between. Awaiting the returned promise still throws as usual.
 */
export function awaitLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
