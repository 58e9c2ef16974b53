import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, type OrderPlaced } from '@shop/contracts';
import { cloudEvent, InProcessBus } from '@shop/platform';
import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PgCategoryStore } from '../../src/db/category-store.ts';
import { buildTestProduct, type TestProduct } from '../helpers.ts';
import { insertProduct, stockOf } from '../inventory/support.ts';

const WAIT = { timeout: 10_000, interval: 20 };

describe.each(databaseTargets())('order.placed through the bus commits the reservation, product on $name', (target) => {
  let shop: TestProduct;
  let bus: InProcessBus;
  let categoryId: number;

  beforeAll(async () => {
    bus = new InProcessBus({ concurrency: 1 }); // in order: a later event marks an earlier one handled
    shop = await buildTestProduct(target, { bus });
    await shop.start();
    const category = await new PgCategoryStore(shop.database.db).create('Consumer tests', 'consumer-tests');
    if (!category) throw new Error('category not created');
    categoryId = category.id;
  });
  afterAll(async () => {
    await shop?.close();
    await bus?.close();
  });

  const inventory = () => shop.context.inventory.inventory;
  const statusOf = async (id: string) => (await inventory().find(id))?.status;

  /** A product with `stock` and a held reservation of `quantity` of it. */
  async function held(stock: number, quantity: number) {
    const productId = await insertProduct(shop.database.db, { stock, categoryId });
    const result = await inventory().reserve(
      { orderRef: randomUUID(), items: [{ productId, quantity }] },
      new Date(Date.now() + 60_000),
    );
    if (result.kind !== 'reserved') throw new Error(`not reserved: ${result.kind}`);
    return { productId, reservationId: result.reservation.id };
  }

  const placed = (reservationId: string, productId: number, overrides: Record<string, unknown> = {}) => {
    const data: OrderPlaced = {
      order_id: 7,
      user_id: 3,
      email: 'ada@example.com',
      items: [{ product_id: productId, name: 'Thing', unit_price_cents: 100, quantity: 2, line_total_cents: 200 }],
      total_cents: 200,
      currency: 'EUR',
      from_cart: false,
      reservation_id: reservationId,
    };
    return cloudEvent('/order', EVENT_TYPES.orderPlaced, { ...data, ...overrides });
  };

  it('when an order.placed names a held reservation, then it is committed and its stock stays sold; delivered again, nothing changes', async () => {
    const { productId, reservationId } = await held(10, 2);
    const event = placed(reservationId, productId);

    await bus.publish(event);
    await vi.waitFor(async () => expect(await statusOf(reservationId)).toBe('committed'), WAIT);
    await bus.publish(event);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await statusOf(reservationId)).toBe('committed');
    expect(await stockOf(shop.database.db, productId)).toBe(8);
  });

  it('when several commits arrive together, one of them twice, then each reservation is committed once and the repeat answers "not held"', async () => {
    const a = await held(10, 2);
    const b = await held(10, 3);
    const moved = await Promise.all([
      inventory().commitHeld(a.reservationId),
      inventory().commitHeld(b.reservationId),
      inventory().commitHeld(a.reservationId),
    ]);
    expect(moved).toEqual([true, true, false]);
    expect([await statusOf(a.reservationId), await statusOf(b.reservationId)]).toEqual(['committed', 'committed']);
    expect([await stockOf(shop.database.db, a.productId), await stockOf(shop.database.db, b.productId)]).toEqual([
      8, 7,
    ]);
  });

  it('when the order was cancelled and its reservation released before the event arrived, then it stays released with its stock back', async () => {
    const { productId, reservationId } = await held(10, 2);
    await inventory().release(reservationId);

    await bus.publish(placed(reservationId, productId));
    const marker = await held(5, 1); // a later event, to know the first was handled
    await bus.publish(placed(marker.reservationId, marker.productId));
    await vi.waitFor(async () => expect(await statusOf(marker.reservationId)).toBe('committed'), WAIT);
    expect(await statusOf(reservationId)).toBe('released');
    expect(await stockOf(shop.database.db, productId)).toBe(10);
  });

  it('when an order.placed names no reservation (written before events named it), then it is passed over and the reservation stays held for the sweeper', async () => {
    const { productId, reservationId } = await held(10, 2);
    await bus.publish(placed(reservationId, productId, { reservation_id: undefined }));
    const marker = await held(5, 1);
    await bus.publish(placed(marker.reservationId, marker.productId));
    await vi.waitFor(async () => expect(await statusOf(marker.reservationId)).toBe('committed'), WAIT);
    expect(await statusOf(reservationId)).toBe('held');
    expect(await bus.deadLetters('product')).toEqual([]);
  });
});
