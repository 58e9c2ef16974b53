import { describe, expect, it } from 'vitest';
import { mulberry32, poisson, weightedIndex } from '../src/random.ts';

describe('seeded randomness', () => {
  it('gives the same numbers for the same seed, other numbers for another, all in [0, 1)', () => {
    const first = Array.from({ length: 1000 }, mulberry32(7));
    expect(Array.from({ length: 1000 }, mulberry32(7))).toEqual(first);
    expect(Array.from({ length: 1000 }, mulberry32(8))).not.toEqual(first);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
    // Spread over the interval, not bunched: each tenth holds about a tenth of the draws.
    for (let tenth = 0; tenth < 10; tenth++) {
      const share = first.filter((value) => Math.floor(value * 10) === tenth).length / first.length;
      expect(share).toBeGreaterThan(0.07);
      expect(share).toBeLessThan(0.13);
    }
  });

  it('draws Poisson counts whose mean and variance are the mean asked for', () => {
    const random = mulberry32(1);
    const draws = Array.from({ length: 20_000 }, () => poisson(3, random));
    const mean = draws.reduce((sum, value) => sum + value, 0) / draws.length;
    const variance = draws.reduce((sum, value) => sum + (value - mean) ** 2, 0) / draws.length;
    expect(mean).toBeGreaterThan(2.9);
    expect(mean).toBeLessThan(3.1);
    expect(variance).toBeGreaterThan(2.8);
    expect(variance).toBeLessThan(3.2);
  });

  it('picks indexes in proportion to their weights, never one of weight 0', () => {
    const pick = weightedIndex([1, 0, 3], mulberry32(2));
    const tally = [0, 0, 0];
    for (let n = 0; n < 40_000; n++) {
      const index = pick();
      tally[index] = (tally[index] ?? 0) + 1;
    }
    expect(tally[1]).toBe(0);
    expect((tally[2] ?? 0) / (tally[0] ?? 1)).toBeGreaterThan(2.8);
    expect((tally[2] ?? 0) / (tally[0] ?? 1)).toBeLessThan(3.2);
  });
});
