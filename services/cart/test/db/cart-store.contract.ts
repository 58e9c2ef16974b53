/**
 * The behaviour every CartStore keeps, run by pg-cart-store.test.ts (PGlite and
 * PostgreSQL), redis-cart-store.test.ts and memory-cart-store.test.ts (the fake the
 * domain tests use). Each harness gives the suite a store of its own (a fresh database,
 * or a Redis key prefix no other run uses).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CartLine, CartStore } from '../../src/domain/ports.ts';

export const IDLE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface CartStoreHarness {
  store: CartStore;
  /** Lets `ms` of idle time pass, as far as the store can tell (a clock it reads, or its keys' TTLs). */
  passTime(ms: number): Promise<void>;
  /** Whatever removes idle carts: the sweep for a database, nothing for Redis (its keys expire). */
  expireIdle(): Promise<void>;
  close(): Promise<void>;
}

const line = (productId: number, quantity: number): CartLine => ({ productId, quantity });

export function cartStoreContract(name: string, open: () => Promise<CartStoreHarness>): void {
  describe(`CartStore contract (${name})`, () => {
    let harness: CartStoreHarness;
    let nextUser = 1;
    const newUser = () => nextUser++;
    const store = () => harness.store;

    beforeAll(async () => {
      harness = await open();
    });
    afterAll(() => harness?.close());

    /** Fills a fresh user's cart with these lines, in this order. */
    async function cartWith(lines: CartLine[], maxLines = 100): Promise<number> {
      const user = newUser();
      for (const { productId, quantity } of lines) {
        expect(await store().setQuantity(user, productId, quantity, maxLines)).toBe('set');
      }
      return user;
    }

    describe('lines', () => {
      it('when a user has no cart, then it has no lines', async () => {
        expect(await store().lines(newUser())).toEqual([]);
      });

      it('when products are added, then the lines come back in the order first added, not by id', async () => {
        const user = await cartWith([line(30, 1), line(4, 2), line(17, 3), line(1, 4), line(22, 5)]);
        expect(await store().lines(user)).toEqual([line(30, 1), line(4, 2), line(17, 3), line(1, 4), line(22, 5)]);
      });

      it('when a quantity is set again, then it replaces the old one (not adds) and the line keeps its place', async () => {
        const user = await cartWith([line(7, 2), line(8, 1), line(9, 1)]);
        expect(await store().setQuantity(user, 7, 5, 100)).toBe('set');
        expect(await store().lines(user)).toEqual([line(7, 5), line(8, 1), line(9, 1)]);
      });

      it('when another user fills a cart, then this user’s cart does not change', async () => {
        const mine = await cartWith([line(1, 1)]);
        const theirs = await cartWith([line(1, 9), line(2, 2)]);
        await store().remove(theirs, [1]);
        await store().clear(theirs);
        expect(await store().lines(mine)).toEqual([line(1, 1)]);
        expect(await store().lines(theirs)).toEqual([]);
      });
    });

    describe('remove and clear', () => {
      it('when lines are removed, then the others keep their order; products not in the cart are ignored', async () => {
        const user = await cartWith([line(1, 1), line(2, 2), line(3, 3), line(4, 4)]);
        await store().remove(user, [3, 1, 99]);
        expect(await store().lines(user)).toEqual([line(2, 2), line(4, 4)]);
      });

      it('when a removed product is added again, then it goes last', async () => {
        const user = await cartWith([line(1, 1), line(2, 2)]);
        await store().remove(user, [1]);
        await store().setQuantity(user, 1, 3, 100);
        expect(await store().lines(user)).toEqual([line(2, 2), line(1, 3)]);
      });

      it('when the last line is removed, then the cart is empty and can be filled again', async () => {
        const user = await cartWith([line(5, 1)]);
        await store().remove(user, [5]);
        expect(await store().lines(user)).toEqual([]);
        await store().setQuantity(user, 6, 2, 100);
        expect(await store().lines(user)).toEqual([line(6, 2)]);
      });

      it('when there is nothing to remove or clear, then nothing fails', async () => {
        const user = newUser();
        await store().remove(user, [1, 2]);
        await store().remove(user, []);
        await store().clear(user);
        expect(await store().lines(user)).toEqual([]);
      });

      it('when a cart is cleared, then it has no lines', async () => {
        const user = await cartWith([line(1, 1), line(2, 2)]);
        await store().clear(user);
        expect(await store().lines(user)).toEqual([]);
      });
    });

    describe('the line limit', () => {
      it('when the cart holds maxLines products, then a new one is refused and not stored; a held one may change', async () => {
        const user = await cartWith([line(1, 1), line(2, 1), line(3, 1)], 3);
        expect(await store().setQuantity(user, 4, 1, 3)).toBe('cart_full');
        expect(await store().setQuantity(user, 2, 7, 3)).toBe('set');
        expect(await store().lines(user)).toEqual([line(1, 1), line(2, 7), line(3, 1)]);
      });

      it('when a line is removed from a full cart, then a new product fits again', async () => {
        const user = await cartWith([line(1, 1), line(2, 1)], 2);
        await store().remove(user, [1]);
        expect(await store().setQuantity(user, 3, 1, 2)).toBe('set');
        expect(await store().lines(user)).toEqual([line(2, 1), line(3, 1)]);
      });

      it('when many different products are set at once, then every one lands', async () => {
        const user = newUser();
        const products = Array.from({ length: 20 }, (_, i) => 100 + i);
        const results = await Promise.all(products.map((id) => store().setQuantity(user, id, 1 + (id % 5), 100)));
        expect(results).toEqual(products.map(() => 'set'));
        const stored = await store().lines(user);
        expect(stored.map((l) => l.productId).sort((a, b) => a - b)).toEqual(products);
        expect(stored.every((l) => l.quantity === 1 + (l.productId % 5))).toBe(true);
      });

      it('when more new products than fit are set at once, then exactly the free places are filled', async () => {
        const user = await cartWith([line(1, 1), line(2, 1)], 5);
        const products = Array.from({ length: 12 }, (_, i) => 200 + i);
        const results = await Promise.all(products.map((id) => store().setQuantity(user, id, 1, 5)));
        expect(results.filter((result) => result === 'set')).toHaveLength(3);
        expect(results.filter((result) => result === 'cart_full')).toHaveLength(9);
        const stored = await store().lines(user);
        expect(stored).toHaveLength(5);
        expect(stored.slice(0, 2)).toEqual([line(1, 1), line(2, 1)]);
      });
    });

    describe('applyOrder', () => {
      it('when an order is applied, then its quantities come off: used-up lines go, the rest keep what is left', async () => {
        const user = await cartWith([line(1, 3), line(2, 2), line(3, 1)]);
        expect(await store().applyOrder(user, randomUUID(), [line(1, 3), line(2, 1)])).toBe(true);
        expect(await store().lines(user)).toEqual([line(2, 1), line(3, 1)]);
      });

      it('when an order holds more than the cart or products not in it, then those lines go and the others are ignored', async () => {
        const user = await cartWith([line(1, 2), line(2, 2)]);
        expect(await store().applyOrder(user, randomUUID(), [line(1, 50), line(9, 1)])).toBe(true);
        expect(await store().lines(user)).toEqual([line(2, 2)]);
      });

      it('when the same event is applied twice, then it subtracts once and the second call says so', async () => {
        const user = await cartWith([line(1, 5)]);
        const eventId = randomUUID();
        expect(await store().applyOrder(user, eventId, [line(1, 2)])).toBe(true);
        expect(await store().applyOrder(user, eventId, [line(1, 2)])).toBe(false);
        expect(await store().lines(user)).toEqual([line(1, 3)]);
      });

      it('when the same event is applied twice at once, then exactly one subtracts', async () => {
        const user = await cartWith([line(1, 5), line(2, 5)]);
        const eventId = randomUUID();
        const results = await Promise.all([
          store().applyOrder(user, eventId, [line(1, 1), line(2, 2)]),
          store().applyOrder(user, eventId, [line(1, 1), line(2, 2)]),
        ]);
        expect(results.sort()).toEqual([false, true]);
        expect(await store().lines(user)).toEqual([line(1, 4), line(2, 3)]);
      });

      it('when two different orders are applied, then both subtract', async () => {
        const user = await cartWith([line(1, 5)]);
        await store().applyOrder(user, randomUUID(), [line(1, 1)]);
        await store().applyOrder(user, randomUUID(), [line(1, 1)]);
        expect(await store().lines(user)).toEqual([line(1, 3)]);
      });

      it('when a product was added after ordering, then it stays after the order is applied', async () => {
        const user = await cartWith([line(1, 2)]);
        await store().setQuantity(user, 2, 1, 100);
        await store().applyOrder(user, randomUUID(), [line(1, 2)]);
        expect(await store().lines(user)).toEqual([line(2, 1)]);
      });

      it('when orders are applied while the same lines change, then every call completes (no deadlock, no lost call)', async () => {
        const user = await cartWith([line(1, 90), line(2, 90)]);
        const calls: Array<Promise<unknown>> = [];
        for (let i = 0; i < 10; i += 1) {
          calls.push(store().applyOrder(user, randomUUID(), [line(2, 1), line(1, 1)]));
          calls.push(store().setQuantity(user, 1 + (i % 2), 90, 100));
        }
        const results = await Promise.allSettled(calls);
        expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
        const stored = await store().lines(user);
        expect(stored.map((l) => l.productId)).toEqual([1, 2]);
        expect(stored.every((l) => l.quantity >= 80 && l.quantity <= 90)).toBe(true);
      });

      it('when the user has no cart, then applying an order changes nothing and is recorded', async () => {
        const user = newUser();
        const eventId = randomUUID();
        expect(await store().applyOrder(user, eventId, [line(1, 1)])).toBe(true);
        expect(await store().applyOrder(user, eventId, [line(1, 1)])).toBe(false);
        expect(await store().lines(user)).toEqual([]);
      });
    });

    // Last: the time it lets pass would age the carts of the tests above.
    describe('idle expiry', () => {
      it(`when a cart is untouched for more than ${IDLE_DAYS} days, then it is gone; a fresher cart stays`, async () => {
        const stale = await cartWith([line(1, 1)]);
        await harness.passTime(20 * DAY_MS);
        const fresh = await cartWith([line(2, 2)]);
        await harness.passTime(11 * DAY_MS);
        await harness.expireIdle();
        expect(await store().lines(stale)).toEqual([]);
        expect(await store().lines(fresh)).toEqual([line(2, 2)]);
      });

      it('when a cart is read, then its idle time starts again', async () => {
        const user = await cartWith([line(1, 1)]);
        await harness.passTime(20 * DAY_MS);
        expect(await store().lines(user)).toEqual([line(1, 1)]);
        await harness.passTime(20 * DAY_MS);
        await harness.expireIdle();
        expect(await store().lines(user)).toEqual([line(1, 1)]);
        await harness.passTime((IDLE_DAYS + 1) * DAY_MS);
        await harness.expireIdle();
        expect(await store().lines(user)).toEqual([]);
      });

      it('when a cart is changed (set, remove, order applied), then its idle time starts again', async () => {
        const user = await cartWith([line(1, 1), line(2, 1), line(3, 3)]);
        for (const change of [
          () => store().setQuantity(user, 1, 4, 100),
          () => store().remove(user, [2]),
          () => store().applyOrder(user, randomUUID(), [line(3, 1)]),
        ]) {
          await harness.passTime(20 * DAY_MS);
          await change();
        }
        await harness.passTime(20 * DAY_MS);
        await harness.expireIdle();
        expect(await store().lines(user)).toEqual([line(1, 4), line(3, 2)]);
      });
    });
  });
}
