import { randomUUID } from 'node:crypto';
import { cloudEvent, createLogger, type Logger } from '@shop/platform';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONSUMED_TYPES, orderConsumer } from '../../src/events/order-consumer.ts';
import { MemoryCartStore } from '../fakes/memory-cart-store.ts';
import { buildTestCart, cartOf, orderPlaced, putItem, settle, storeKinds, type TestCart } from '../helpers.ts';

const WAIT = { timeout: 10_000, interval: 20 };

describe.each(storeKinds())('order.placed through the bus, cart on %s', (store) => {
  let shop: TestCart;

  beforeAll(async () => {
    shop = await buildTestCart(store);
  });
  afterAll(() => shop?.close());

  const quantities = async (token: string) =>
    (await cartOf(shop, token)).items.map((item) => [item.product_id, item.quantity]);

  /** A customer whose cart holds `lines` of new products (price 100 each); returns them and the product ids. */
  async function customerWith(...quantities: number[]) {
    const me = await shop.newCustomer();
    const ids: number[] = [];
    for (const quantity of quantities) {
      const { id } = await shop.makeProduct();
      await putItem(shop, me.token, id, { quantity });
      ids.push(id);
    }
    return { ...me, ids };
  }

  it('when an order placed from the cart arrives, then its quantities come off the cart and what was added since stays', async () => {
    const me = await customerWith(2, 1);
    const [ordered, alsoOrdered] = me.ids as [number, number];
    const later = await shop.makeProduct();
    await putItem(shop, me.token, later.id, { quantity: 4 });

    await shop.bus.publish(
      orderPlaced(me.userId, [
        { product_id: ordered, quantity: 2 },
        { product_id: alsoOrdered, quantity: 1 },
      ]),
    );
    await vi.waitFor(async () => expect(await quantities(me.token)).toEqual([[later.id, 4]]), WAIT);
  });

  it('when the same event is delivered twice, then it subtracts once', async () => {
    const me = await customerWith(5);
    const [product] = me.ids as [number];
    const event = orderPlaced(me.userId, [{ product_id: product, quantity: 2 }]);
    await shop.bus.publish(event);
    await shop.bus.publish(event);
    await vi.waitFor(async () => expect(await quantities(me.token)).toEqual([[product, 3]]), WAIT);
    await settle();
    expect(await quantities(me.token)).toEqual([[product, 3]]);
    // A new event for the same lines does subtract: the first was deduplicated by id, not by content.
    await shop.bus.publish(orderPlaced(me.userId, [{ product_id: product, quantity: 2 }]));
    await vi.waitFor(async () => expect(await quantities(me.token)).toEqual([[product, 1]]), WAIT);
  });

  it('when an order was not placed from the cart, then the cart is left alone', async () => {
    const me = await customerWith(2, 3);
    const [first, second] = me.ids as [number, number];
    await shop.bus.publish(orderPlaced(me.userId, [{ product_id: first, quantity: 2 }], { from_cart: false }));
    // A from_cart order after them shows the consumer has run.
    await shop.bus.publish(orderPlaced(me.userId, [{ product_id: second, quantity: 3 }]));
    await vi.waitFor(async () => expect(await quantities(me.token)).toEqual([[first, 2]]), WAIT);
    await settle();
    expect(await quantities(me.token)).toEqual([[first, 2]]);
  });

  it('when an order is another user’s, then this user’s cart is untouched', async () => {
    const me = await customerWith(2);
    const other = await customerWith(2);
    await shop.bus.publish(orderPlaced(other.userId, [{ product_id: me.ids[0] as number, quantity: 2 }]));
    await shop.bus.publish(orderPlaced(other.userId, [{ product_id: other.ids[0] as number, quantity: 2 }]));
    await vi.waitFor(async () => expect(await quantities(other.token)).toEqual([]), WAIT);
    expect(await quantities(me.token)).toEqual([[me.ids[0], 2]]);
  });
});

describe('orderConsumer', () => {
  const delivery = { attempt: 1, final: false };

  /** A logger that keeps its warnings. */
  function recordingLogger() {
    const warnings: string[] = [];
    const logger = createLogger({ name: 'cart-test', level: 'silent' });
    const recording = Object.assign(Object.create(logger), {
      warn: (_details: unknown, message: string) => {
        warnings.push(message);
      },
    }) as Logger;
    return { logger: recording, warnings };
  }

  it('when it is built, then it consumes order.placed only', () => {
    expect(CONSUMED_TYPES).toEqual(['order.placed']);
  });

  it('when an event is malformed, then it is dropped with a warning (no retry: retrying cannot fix it) and no cart changes', async () => {
    const carts = new MemoryCartStore();
    const { logger, warnings } = recordingLogger();
    const handle = orderConsumer({ carts, logger });
    const good = orderPlaced(7, [{ product_id: 1, quantity: 1 }]);
    const malformed = [
      cloudEvent('/order', 'order.placed', { user_id: 7, from_cart: true }),
      { ...good, id: 'not-a-uuid' },
      orderPlaced(7, [{ product_id: 1, quantity: '1' as unknown as number }]),
      orderPlaced(7, [{ product_id: 1, quantity: 0 }]),
      orderPlaced(7, [{ product_id: 1, quantity: 1 }], { from_cart: undefined }),
      { ...good, type: 'order.cancelled' },
    ];
    for (const event of malformed) await expect(handle(event, delivery)).resolves.toBeUndefined();
    expect(warnings).toHaveLength(malformed.length);
    expect(carts.calls.applyOrder).toBe(0);
  });

  it('when the store fails, then the handler fails, so the bus delivers the event again', async () => {
    const carts = new MemoryCartStore();
    carts.applyOrder = async () => {
      throw new Error('store down');
    };
    const handle = orderConsumer({ carts, logger: recordingLogger().logger });
    await expect(handle(orderPlaced(7, [{ product_id: 1, quantity: 1 }]), delivery)).rejects.toThrow('store down');
  });

  it('when a valid event arrives, then it is applied under its own event id, fields the cart does not read included', async () => {
    const carts = new MemoryCartStore();
    await carts.setQuantity(7, 1, 3, 100);
    const event = { ...orderPlaced(7, [{ product_id: 1, quantity: 1 }], { coupon: 'SPRING' }), id: randomUUID() };
    const handle = orderConsumer({ carts, logger: recordingLogger().logger });
    await handle(event, delivery);
    await handle(event, delivery);
    expect(await carts.lines(7)).toEqual([{ productId: 1, quantity: 2 }]);
  });
});
