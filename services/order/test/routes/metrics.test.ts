import { setTimeout as sleep } from 'node:timers/promises';
import { databaseTargets, scrapeMetric } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestShop, postOrder, type TestShop } from '../helpers.ts';

describe.each(databaseTargets())('the order service’s /metrics on $name', (target) => {
  let shop: TestShop;

  beforeAll(async () => {
    // No bus: the order.placed events stay in the outbox, as behind a stuck relay.
    shop = await buildTestShop(target);
  });
  afterAll(() => shop.close());

  const scrape = (name: string, labels: Record<string, string> = {}) =>
    scrapeMetric(shop.order.app, name, { service: 'order', ...labels });

  it('when an order is placed, then orders_placed_total goes up by one; its replay and a refused order do not count', async () => {
    const customer = await shop.newCustomer();
    const product = await shop.makeProduct(5);
    const before = await scrape('orders_placed_total');
    expect(before).toBe(0);

    const placed = await postOrder(
      shop.order.app,
      customer.token,
      { items: [{ product_id: product.id, quantity: 1 }] },
      'k-1',
    );
    expect(placed.statusCode, placed.body).toBe(201);
    expect(await scrape('orders_placed_total')).toBe(1);

    const replayed = await postOrder(
      shop.order.app,
      customer.token,
      { items: [{ product_id: product.id, quantity: 1 }] },
      'k-1',
    );
    expect(replayed.statusCode).toBe(200);
    const refused = await postOrder(shop.order.app, customer.token, {
      items: [{ product_id: product.id, quantity: 99 }],
    });
    expect(refused.statusCode).toBe(409);
    expect(await scrape('orders_placed_total')).toBe(1);

    expect(
      await scrape('http_request_duration_seconds_count', { method: 'POST', route: '/api/orders', status_code: '201' }),
    ).toBe(1);
  });

  it('when order.placed events wait with no relay to publish them, then the outbox backlog counts them and its age grows', async () => {
    const waiting = (await scrape('outbox_unpublished_rows')) ?? Number.NaN;
    const customer = await shop.newCustomer();
    const product = await shop.makeProduct(5);
    expect(
      (await postOrder(shop.order.app, customer.token, { items: [{ product_id: product.id, quantity: 1 }] }))
        .statusCode,
    ).toBe(201);

    expect(await scrape('outbox_unpublished_rows')).toBe(waiting + 1);
    const age = (await scrape('outbox_oldest_unpublished_age_seconds')) ?? Number.NaN;
    await sleep(1_100);
    expect(await scrape('outbox_oldest_unpublished_age_seconds')).toBeGreaterThan(age + 1);
  });
});
