import { seededRandom } from "../src/domain/random.ts";

/** Seeded pseudo-random numbers for tests: the same seed, the same sequence. */
export const rng = seededRandom;

/** Standard normal draws from a seeded uniform source (Box–Muller). */
export function gaussian(seed: number): () => number {
  const u = rng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}
