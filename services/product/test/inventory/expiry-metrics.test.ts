import { databaseTargets, scrapeMetric } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgCategoryStore } from '../../src/db/category-store.ts';
import { FakeOrderOutcomes } from '../fakes/order-outcomes.ts';
import { buildTestProduct, type TestProduct } from '../helpers.ts';
import { insertProduct, reserveOverHttp } from './support.ts';

describe.each(databaseTargets())('reservations_expired_total on $name', (target) => {
  let service: TestProduct;
  let categoryId: number;
  let nowMs = Date.parse('2031-05-01T08:00:00.000Z');
  const clock = { now: () => new Date(nowMs) };
  const orders = new FakeOrderOutcomes();

  beforeAll(async () => {
    service = await buildTestProduct(target, { reservationTtlSeconds: 1, clock, orders });
    const category = await new PgCategoryStore(service.database.db).create('Metrics tests', 'metrics-tests');
    if (!category) throw new Error('category not created');
    categoryId = category.id;
  });
  afterAll(() => service.close());

  const expiredCount = () => scrapeMetric(service.app, 'reservations_expired_total', { service: 'product' });

  async function reserve(orderRef: string): Promise<void> {
    const productId = await insertProduct(service.database.db, { stock: 10, categoryId });
    const response = await reserveOverHttp(service.app, service.tokens.orderService, orderRef, [
      { product_id: productId, quantity: 2 },
    ]);
    expect(response.statusCode, response.body).toBe(201);
  }

  it('when the sweeper expires overdue reservations no order holds, then the counter goes up by as many; one an order holds (committed) does not count, nor does a second sweep', async () => {
    expect(await expiredCount()).toBe(0);
    await reserve('abandoned-1');
    await reserve('abandoned-2');
    await reserve('ordered');
    orders.placed('ordered');

    nowMs += 1_500;
    await service.sweeper.runOnce();
    expect(await expiredCount()).toBe(2);

    await service.sweeper.runOnce();
    expect(await expiredCount()).toBe(2);
  });

  it('when the order service cannot answer, then nothing expires and nothing is counted', async () => {
    const before = await expiredCount();
    await reserve('unknown-fate');
    nowMs += 1_500;
    orders.down();
    try {
      await service.sweeper.runOnce();
    } finally {
      orders.up();
    }
    expect(await expiredCount()).toBe(before);
  });
});
