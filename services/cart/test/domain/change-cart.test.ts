import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_QUANTITY } from '../../src/domain/cart.ts';
import { clearCart, removeItem, setItem } from '../../src/domain/change-cart.ts';
import { fakeWorld, rejectsWith } from './support.ts';

const ME = 7;
const COLA = 1;
const TEA = 2;
const CAKE = 3;

describe('changing the cart', () => {
  let world: ReturnType<typeof fakeWorld>;

  beforeEach(() => {
    world = fakeWorld({ maxLines: 2 });
    world.products.add(COLA, 'Cola', 199).add(TEA, 'Tea', 350).add(CAKE, 'Cake', 1_250);
  });

  describe('setItem', () => {
    it('when a product on sale is set, then it is stored and the cart comes back priced', async () => {
      const cart = await setItem(ME, COLA, 3, world.deps);
      expect(cart.lines).toEqual([{ productId: COLA, name: 'Cola', unitPriceCents: 199, quantity: 3 }]);
      expect(cart.totalCents).toBe(597);
      expect(await world.carts.lines(ME)).toEqual([{ productId: COLA, quantity: 3 }]);
    });

    it('when the same product is set again, then the quantity is replaced, not added to', async () => {
      await setItem(ME, COLA, 3, world.deps);
      const cart = await setItem(ME, COLA, 1, world.deps);
      expect(cart.lines.map((line) => line.quantity)).toEqual([1]);
    });

    it('when the product is not sold, then 422 on product_id and the cart is untouched', async () => {
      const error = await rejectsWith(setItem(ME, 404, 1, world.deps), 'rule_violation');
      expect(error.errors).toEqual([{ field: 'product_id', message: 'is not a product on sale' }]);
      expect(world.carts.calls.setQuantity).toBe(0);
    });

    it('when the cart holds the most products it may, then a new one is 422; a held one may still change', async () => {
      await setItem(ME, COLA, 1, world.deps);
      await setItem(ME, TEA, 1, world.deps);
      const error = await rejectsWith(setItem(ME, CAKE, 1, world.deps), 'rule_violation');
      expect(error.message).toMatch(/at most 2 different products/);
      expect((await setItem(ME, TEA, 5, world.deps)).lines.map((line) => line.quantity)).toEqual([1, 5]);
    });

    it('when the quantity is out of range or not whole, then it is invalid input and nothing is looked up', async () => {
      for (const quantity of [0, -1, MAX_QUANTITY + 1, 1.5, Number.NaN]) {
        await rejectsWith(setItem(ME, COLA, quantity, world.deps), 'invalid_input');
      }
      expect(world.products.lookups).toEqual([]);
    });

    it('when the catalog cannot answer, then unavailable and nothing is stored', async () => {
      world.products.failWith();
      await rejectsWith(setItem(ME, COLA, 1, world.deps), 'unavailable');
      expect(world.carts.calls.setQuantity).toBe(0);
    });
  });

  describe('removeItem and clearCart', () => {
    it('when a product is removed, then the cart comes back without it; removing it again is no error', async () => {
      await setItem(ME, COLA, 1, world.deps);
      await setItem(ME, TEA, 2, world.deps);
      expect((await removeItem(ME, COLA, world.deps)).lines.map((line) => line.productId)).toEqual([TEA]);
      expect((await removeItem(ME, COLA, world.deps)).totalCents).toBe(700);
    });

    it('when the cart is cleared, then it is empty and another user’s is not', async () => {
      await setItem(ME, COLA, 1, world.deps);
      await setItem(ME + 1, COLA, 1, world.deps);
      await clearCart(ME, world.deps);
      expect(await world.carts.lines(ME)).toEqual([]);
      expect(await world.carts.lines(ME + 1)).toHaveLength(1);
    });
  });
});
