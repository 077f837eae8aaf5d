/**
 * One change at a time per function name, in this process: an import, a deploy and a
 * runtime's deploy on first use of the same name queue behind each other, so two of them
 * never write the same folders at once (each would remove the other's files) and the last
 * one asked is the one installed. Different names run side by side.
 */
const tails = new Map<string, Promise<unknown>>();

export function withFunctionLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  const before = tails.get(name) ?? Promise.resolve();
  // The next in line waits for this one to settle, whether it succeeds or fails.
  const run = before.then(work, work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(name, tail);
  void tail.then(() => {
    if (tails.get(name) === tail) tails.delete(name);
  });
  return run;
}
