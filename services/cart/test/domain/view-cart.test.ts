import { beforeEach, describe, expect, it } from 'vitest';
import { viewCart } from '../../src/domain/view-cart.ts';
import { fakeWorld, rejectsWith } from './support.ts';

const ME = 7;
const COLA = 1;
const TEA = 2;
const CAKE = 3;

describe('viewCart', () => {
  let world: ReturnType<typeof fakeWorld>;

  beforeEach(() => {
    world = fakeWorld();
    world.products.add(COLA, 'Cola', 199).add(TEA, 'Tea', 350).add(CAKE, 'Cake', 1_250);
  });

  it('when the user has no cart, then it is empty with a zero total in the shop’s currency, and nothing is looked up', async () => {
    expect(await viewCart(ME, world.deps)).toEqual({ lines: [], totalCents: 0, currency: 'EUR', notes: [] });
    expect(world.products.lookups).toEqual([]);
  });

  it('when the cart has lines, then each is priced from the catalog and the total is the sum of quantity × price', async () => {
    await world.carts.setQuantity(ME, TEA, 3, 100);
    await world.carts.setQuantity(ME, COLA, 2, 100);
    const cart = await viewCart(ME, world.deps);
    expect(cart.lines).toEqual([
      { productId: TEA, name: 'Tea', unitPriceCents: 350, quantity: 3 },
      { productId: COLA, name: 'Cola', unitPriceCents: 199, quantity: 2 },
    ]);
    expect(cart.totalCents).toBe(3 * 350 + 2 * 199);
    expect(cart.notes).toEqual([]);
    expect(world.products.lookups.sort()).toEqual([COLA, TEA]);
  });

  it('when a price changes, then the next view shows the new price: prices are never stored with the cart', async () => {
    await world.carts.setQuantity(ME, CAKE, 2, 100);
    expect((await viewCart(ME, world.deps)).totalCents).toBe(2_500);
    world.products.setPrice(CAKE, 999);
    const cart = await viewCart(ME, world.deps);
    expect(cart.lines[0]?.unitPriceCents).toBe(999);
    expect(cart.totalCents).toBe(1_998);
  });

  it('when a product is no longer sold, then its line is removed from the store, and this view carries a note about it', async () => {
    await world.carts.setQuantity(ME, COLA, 1, 100);
    await world.carts.setQuantity(ME, TEA, 4, 100);
    world.products.archive(COLA);

    const cart = await viewCart(ME, world.deps);
    expect(cart.lines.map((line) => line.productId)).toEqual([TEA]);
    expect(cart.totalCents).toBe(4 * 350);
    expect(cart.notes).toEqual([
      { productId: COLA, message: `Product ${COLA} is no longer sold and was removed from your cart.` },
    ]);
    expect(await world.carts.lines(ME)).toEqual([{ productId: TEA, quantity: 4 }]);

    const again = await viewCart(ME, world.deps);
    expect(again.notes).toEqual([]);
    expect(again.lines.map((line) => line.productId)).toEqual([TEA]);
  });

  it('when the catalog cannot answer, then the view fails as unavailable and every line stays', async () => {
    await world.carts.setQuantity(ME, COLA, 1, 100);
    await world.carts.setQuantity(ME, TEA, 2, 100);
    world.products.failWith();

    const error = await rejectsWith(viewCart(ME, world.deps), 'unavailable');
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(world.carts.calls.remove).toBe(0);
    world.products.heal();
    expect((await viewCart(ME, world.deps)).lines).toHaveLength(2);
  });

  it('when another user has a cart, then this user’s view does not show it', async () => {
    await world.carts.setQuantity(ME + 1, COLA, 5, 100);
    expect((await viewCart(ME, world.deps)).lines).toEqual([]);
  });
});
