/**
 * Seeds and run counts of the fuzz suite. Every property prints its seed; a failure
 * reproduces with FUZZ_SEED=<seed> (and the same FUZZ_RUNS). FUZZ_RUNS scales the number of
 * runs (e.g. FUZZ_RUNS=10 for a long search on an idle machine).
 */
export const FUZZ_SEED = process.env['FUZZ_SEED'] ? Number(process.env['FUZZ_SEED']) : 20261203;
const scale = process.env['FUZZ_RUNS'] ? Number(process.env['FUZZ_RUNS']) : 1;

export function runs(base: number): number {
  return Math.max(1, Math.round(base * scale));
}

/** A seed per property, so adding a property does not change the inputs of the others. */
export function seedFor(index: number): number {
  return (FUZZ_SEED + index * 7919) | 0;
}
