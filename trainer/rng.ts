// A seeded PRNG shared by the trainer (data order) and lib (leaderboard bootstrap): pure, no imports, so both may use it.

/** mulberry32: a small, fast 32-bit PRNG; ample for shuffles and bootstrap index draws, not for cryptography. */
export function createRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
