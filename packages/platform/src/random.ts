/**
 * Seeded randomness for generated data (the demo catalog and order history, benchmarks,
 * tests): the same seed gives the same numbers on every machine, so generated data is
 * the same everywhere and a failing generated case can be replayed from its seed.
 */

/** mulberry32: a small, fast seeded PRNG; each call gives a number in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Poisson draw around `mean` (Knuth's method: fine for the small means of daily counts). */
export function poisson(mean: number, random: () => number): number {
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random();
  while (product > limit) {
    count++;
    product *= random();
  }
  return count;
}

/** Picks an index of `weights` with probability proportional to its weight (binary search over the running sums). */
export function weightedIndex(weights: readonly number[], random: () => number): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (const weight of weights) {
    total += weight;
    cumulative.push(total);
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] as number) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}
