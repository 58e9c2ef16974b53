import { randomUUID } from 'node:crypto';
import { databaseTargets, testServers } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestShop, orderCount, postOrder, rows, type TestShop } from '../helpers.ts';

/** Real concurrency needs real connections: PGlite is one connection and serializes everything. */
describe.runIf(testServers().postgresUrl !== null)('concurrent checkouts on PostgreSQL', () => {
  let shop: TestShop;
  let customers: Array<Awaited<ReturnType<TestShop['newCustomer']>>>;

  beforeAll(async () => {
    const postgres = databaseTargets().find((target) => target.name === 'postgres');
    if (!postgres) throw new Error('PostgreSQL is reachable but not a database target');
    // Generous deadline: 100 requests queue on small pools, and a slow reserve is not what is tested here.
    shop = await buildTestShop(postgres, { upstreamTimeoutMs: 15_000 });
    customers = [];
    for (let i = 0; i < 10; i++) customers.push(await shop.newCustomer());
  });
  afterAll(() => shop.close());

  /** The product service's reservations holding `productId`, counted by status. */
  const reservationsOf = (productId: number) =>
    rows<{ status: string; n: number }>(
      shop.product.database,
      sql`select r.status, count(*)::int as n from product.reservations r
          join product.reservation_lines l on l.reservation_id = r.id
          where l.product_id = ${productId} group by r.status order by r.status`,
    );

  it('when 100 orders from 10 users race for the last 30 units, then exactly 30 are placed, 70 get 409, and the stock is 0', async () => {
    const item = await shop.makeProduct(30, 500);
    const ordersBefore = await orderCount(shop.order.database);
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        postOrder(shop.order.app, customers[i % 10]!.token, { items: [{ product_id: item.id, quantity: 1 }] }),
      ),
    );

    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 201)).toHaveLength(30);
    expect(statuses.filter((status) => status === 409)).toHaveLength(70);
    for (const refused of responses.filter((response) => response.statusCode === 409)) {
      expect(refused.json().detail).toMatch(/^Not enough stock/);
    }
    expect(await shop.stockOf(item.id)).toBe(0);
    expect((await orderCount(shop.order.database)) - ordersBefore).toBe(30);
    const placedIds = new Set(responses.filter((r) => r.statusCode === 201).map((r) => r.json().id));
    expect(placedIds.size).toBe(30);
    const [lines] = await rows<{ units: number }>(
      shop.order.database,
      sql`select coalesce(sum(quantity), 0)::int as units from "order".order_lines where product_id = ${item.id}`,
    );
    expect(lines?.units).toBe(30);
    // Held until order.placed reaches the product service (no bus runs here).
    expect(await reservationsOf(item.id)).toEqual([{ status: 'held', n: 30 }]);
  });

  it('when 50 requests repeat 5 idempotency keys at once, then exactly 5 orders exist, each key’s responses carry one order id, and the stock is taken 5 times', async () => {
    const item = await shop.makeProduct(100, 250);
    const ordersBefore = await orderCount(shop.order.database);
    const keys = Array.from({ length: 5 }, () => randomUUID());
    const requests = Array.from({ length: 50 }, (_, i) => {
      const k = i % 5;
      // One user per key, each key with its own body (a different quantity).
      return {
        k,
        response: postOrder(
          shop.order.app,
          customers[k]!.token,
          { items: [{ product_id: item.id, quantity: k + 1 }] },
          keys[k],
        ),
      };
    });
    const responses = await Promise.all(requests.map(async ({ k, response }) => ({ k, response: await response })));

    for (const { response } of responses) expect([200, 201], response.body).toContain(response.statusCode);
    for (let k = 0; k < 5; k++) {
      const forKey = responses.filter((r) => r.k === k).map((r) => r.response);
      const orderIds = new Set(forKey.map((response) => response.json().id));
      expect(orderIds.size).toBe(1);
      expect(forKey.filter((response) => response.statusCode === 201)).toHaveLength(1);
      expect(forKey[0]?.json().user_id).toBe(customers[k]?.userId);
      expect(forKey[0]?.json().items[0].quantity).toBe(k + 1);
    }
    expect((await orderCount(shop.order.database)) - ordersBefore).toBe(5);
    expect(await shop.stockOf(item.id)).toBe(100 - (1 + 2 + 3 + 4 + 5));
    expect(await reservationsOf(item.id)).toEqual([{ status: 'held', n: 5 }]);
  });
});
