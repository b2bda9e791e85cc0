/** llama.cpp reads this seed as "pick a random one" (LLAMA_DEFAULT_SEED in llama.h). */
export const LLAMA_RANDOM_SEED = 0xffff_ffff;

/**
 * The seed of candidate `candidate` of a request seeded with `seed`: `seed + candidate`, so
 * candidates differ yet a request is reproducible. llama.cpp seeds are uint32, so it wraps;
 * the one value llama.cpp treats as "random" is moved off. Both llama.cpp engines use it, so
 * the same request gives the same candidates on either.
 */
export function candidateSeed(seed: number, candidate: number): number {
  const s = (Math.trunc(seed) + candidate) >>> 0;
  return s === LLAMA_RANDOM_SEED ? s - 1 : s;
}
