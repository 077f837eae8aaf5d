/** Property tests run a fixed number of cases from a fixed seed: bounded and repeatable. */
export const SEED = 20_261_130;

export function runs(numRuns: number): { numRuns: number; seed: number } {
  return { numRuns, seed: SEED };
}
