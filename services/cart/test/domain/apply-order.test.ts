import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyPlacedOrder } from '../../src/domain/apply-order.ts';
import { orderedQuantities } from '../../src/domain/cart.ts';
import { MemoryCartStore } from '../fakes/memory-cart-store.ts';

const ME = 7;

describe('applyPlacedOrder', () => {
  let carts: MemoryCartStore;

  beforeEach(async () => {
    carts = new MemoryCartStore();
    await carts.setQuantity(ME, 1, 2, 100);
    await carts.setQuantity(ME, 2, 1, 100);
  });

  it('when an order was placed from the cart, then its quantities come off the cart once', async () => {
    const order = { eventId: randomUUID(), userId: ME, fromCart: true, items: [{ productId: 1, quantity: 2 }] };
    expect(await applyPlacedOrder(order, { carts })).toBe('applied');
    expect(await applyPlacedOrder(order, { carts })).toBe('already_applied');
    expect(await carts.lines(ME)).toEqual([{ productId: 2, quantity: 1 }]);
  });

  it('when an order was not placed from the cart, then the cart is left alone', async () => {
    const order = { eventId: randomUUID(), userId: ME, fromCart: false, items: [{ productId: 1, quantity: 2 }] };
    expect(await applyPlacedOrder(order, { carts })).toBe('not_from_cart');
    expect(carts.calls.applyOrder).toBe(0);
    expect(await carts.lines(ME)).toHaveLength(2);
  });
});

describe('orderedQuantities', () => {
  it('when a product appears twice, then its quantities are summed; non-positive quantities are dropped', () => {
    expect(
      orderedQuantities([
        { productId: 1, quantity: 2 },
        { productId: 2, quantity: 0 },
        { productId: 1, quantity: 3 },
        { productId: 3, quantity: -4 },
      ]),
    ).toEqual([{ productId: 1, quantity: 5 }]);
  });
});
