import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { writeBatch } from '../src/db/write-batch.ts';

describe('writeBatch', () => {
  it('when calls come within the window, then one write takes them all and each caller gets its own result', async () => {
    const writes: number[][] = [];
    const double = writeBatch(
      async (items: readonly number[]) => {
        writes.push([...items]);
        return items.map((item) => item * 2);
      },
      { windowMs: 1_000 }, // wide, so a busy machine cannot split the batch
    );
    const first = double(1);
    await Promise.resolve(); // a caller that awaited something in between still joins
    const results = await Promise.all([first, double(2), double(3)]);
    expect(results).toEqual([2, 4, 6]);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  it('when calls come further apart than the window, then each has a write of its own', async () => {
    const writes: string[][] = [];
    const write = writeBatch(
      async (items: readonly string[]) => {
        writes.push([...items]);
        return items.map(() => true);
      },
      { windowMs: 1 },
    );
    await write('a');
    await sleep(10);
    await write('b');
    expect(writes).toEqual([['a'], ['b']]);
  });

  it('when the write fails, then every caller of that batch gets the error, and the next batch is written afresh', async () => {
    let fail = true;
    const write = writeBatch(async (items: readonly number[]) => {
      if (fail) throw new Error('database away');
      return items;
    });
    const outcomes = await Promise.allSettled([write(1), write(2)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await Promise.all([write(3), write(4)])).toEqual([3, 4]);
  });

  it('when one item of a batch cannot be written, then only its caller gets the error and the others are written', async () => {
    const writes: number[][] = [];
    const write = writeBatch(async (items: readonly number[]) => {
      writes.push([...items]);
      if (items.includes(13)) throw new Error('value 13 refused');
      return items.map((item) => item + 1);
    });
    const outcomes = await Promise.allSettled([write(1), write(13), write(2)]);
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('value 13 refused') },
      { status: 'fulfilled', value: 3 },
    ]);
    expect(writes).toEqual([[1, 13, 2], [1], [13], [2]]);
  });

  it('when more items come than one write takes, then they are split into writes of at most maxItems', async () => {
    const sizes: number[] = [];
    const write = writeBatch(
      async (items: readonly number[]) => {
        sizes.push(items.length);
        return items;
      },
      { maxItems: 4 },
    );
    expect(await Promise.all(Array.from({ length: 10 }, (_, i) => write(i)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sizes).toEqual([4, 4, 2]);
  });
});
