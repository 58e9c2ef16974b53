import { EVENT_SCHEMAS, type EventType } from '@shop/contracts';
import { databaseTargets, schemaErrors } from '@shop/platform/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../src/domain/order.ts';
import {
  bearer,
  buildTestShop,
  expectProblem,
  outboxCount,
  outboxFor,
  placed,
  postOrder,
  type TestShop,
} from '../helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe.each(databaseTargets())('order reads, cancellation and admin on $name', (target) => {
  let shop: TestShop;

  beforeAll(async () => {
    shop = await buildTestShop(target);
  });
  afterAll(() => shop.close());

  const app = () => shop.order.app;
  const get = (url: string, token?: string) =>
    app().inject({ method: 'GET', url, headers: token ? bearer(token) : {} });
  const cancel = (id: number, token?: string) =>
    app().inject({ method: 'POST', url: `/api/orders/${id}/cancel`, headers: token ? bearer(token) : {} });
  const patch = (id: number, status: string, token: string) =>
    app().inject({ method: 'PATCH', url: `/api/admin/orders/${id}`, headers: bearer(token), payload: { status } });
  const ids = (response: LightMyRequestResponse): number[] => response.json().items.map((o: OrderView) => o.id);

  /** Follows next_cursor from `url` to the end; returns every id in the order seen. */
  async function walk(url: string, token: string): Promise<number[]> {
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const separator = url.includes('?') ? '&' : '?';
      const response = await get(cursor ? `${url}${separator}cursor=${cursor}` : url, token);
      expect(response.statusCode, response.body).toBe(200);
      seen.push(...ids(response));
      cursor = response.json().next_cursor;
      if (cursor === null) return seen;
    }
    throw new Error('the walk did not end');
  }

  describe('GET /api/orders and GET /api/orders/{id}', () => {
    let me: Awaited<ReturnType<TestShop['newCustomer']>>;
    let someoneElse: Awaited<ReturnType<TestShop['newCustomer']>>;
    let mine: OrderView[];
    let theirs: OrderView;
    const quantities = [5, 1, 3, 3, 9, 2, 7];

    beforeAll(async () => {
      me = await shop.newCustomer();
      someoneElse = await shop.newCustomer();
      const item = await shop.makeProduct(1000, 100);
      mine = [];
      for (const quantity of quantities) mine.push(await placed(app(), me.token, [{ product_id: item.id, quantity }]));
      theirs = await placed(app(), someoneElse.token, [{ product_id: item.id, quantity: 4 }]);
      const cancelled = await cancel(mine[1]!.id, me.token);
      expect(cancelled.statusCode).toBe(200);
    });

    const byDate = () => mine.map((o) => o.id);
    const byTotal = () => [...mine].sort((a, b) => a.total_cents - b.total_cents || a.id - b.id).map((o) => o.id);

    it('when listed without a sort, then only my own orders come, newest first', async () => {
      const response = await get('/api/orders', me.token);
      expect(response.statusCode).toBe(200);
      expect(ids(response)).toEqual(byDate().reverse());
      expect(response.json().next_cursor).toBeNull();
      expect(response.json().items.every((o: OrderView) => o.user_id === me.userId)).toBe(true);
    });

    it('when another user lists, then they see only theirs, never mine', async () => {
      const response = await get('/api/orders', someoneElse.token);
      expect(ids(response)).toEqual([theirs.id]);
    });

    it.each([
      ['date', () => byDate()],
      ['-date', () => byDate().reverse()],
      ['total', () => byTotal()],
      ['-total', () => [...byTotal()].reverse()],
    ])('when sorted by %s and walked two at a time, then every order comes once, in order', async (sort, expected) => {
      expect(await walk(`/api/orders?sort=${sort}&limit=2`, me.token)).toEqual(expected());
      expect(ids(await get(`/api/orders?sort=${sort}`, me.token))).toEqual(expected());
    });

    it('when filtered by status, then only orders in that status come', async () => {
      expect(ids(await get('/api/orders?status=cancelled', me.token))).toEqual([mine[1]!.id]);
      const confirmed = await get('/api/orders?status=confirmed', me.token);
      expect(ids(confirmed)).toHaveLength(quantities.length - 1);
      expect(ids(await get('/api/orders?status=shipped', me.token))).toEqual([]);
    });

    it('when filtered by min_total_cents and max_total_cents, then the bounds are inclusive', async () => {
      const response = await get('/api/orders?min_total_cents=300&max_total_cents=700&sort=total', me.token);
      expect(response.json().items.map((o: OrderView) => o.total_cents)).toEqual([300, 300, 500, 700]);
      const above = await get('/api/orders?min_total_cents=800', me.token);
      expect(above.json().items.map((o: OrderView) => o.total_cents)).toEqual([900]);
    });

    it.each([
      ['not base64 JSON', () => '!!!'],
      ['from another sort', () => cursorOf({ s: 'total', v: '100', i: 1 })],
      ['with a tampered value', () => cursorOf({ s: '-date', v: "1'; drop table x", i: 1 })],
      ['with a bad id', () => cursorOf({ s: '-date', v: '2024-01-01 00:00:00+00', i: 0 })],
      ['with an id past int4', () => cursorOf({ s: '-date', v: '2024-01-01 00:00:00+00', i: 2 ** 31 })],
      ['with a year past 9999', () => cursorOf({ s: '-date', v: '99999-01-01 00:00:00+00', i: 1 })],
      ['with a 13th month', () => cursorOf({ s: '-date', v: '2024-13-01 00:00:00+00', i: 1 })],
      ['with a 31st of April', () => cursorOf({ s: '-date', v: '2024-04-31 00:00:00+00', i: 1 })],
    ])('when the cursor is %s, then 400', async (_label, cursor) => {
      const body = expectProblem(await get(`/api/orders?cursor=${encodeURIComponent(cursor())}`, me.token), 400);
      expect(body.errors?.[0]?.field).toBe('cursor');
      const admin = await get(`/api/admin/orders?cursor=${encodeURIComponent(cursor())}`, shop.admin);
      expectProblem(admin, 400);
    });

    it.each([
      ['a total past int8', { s: 'total', v: '99999999999999999999', i: 1 }],
      ['a negative total past int8', { s: '-total', v: '-9223372036854775809', i: 1 }],
      ['a fractional total', { s: 'total', v: '10.5', i: 1 }],
    ])('when a total cursor holds %s, then 400 on both lists', async (_label, forged) => {
      const cursor = encodeURIComponent(cursorOf(forged));
      expectProblem(await get(`/api/orders?sort=${forged.s}&cursor=${cursor}`, me.token), 400);
      expectProblem(await get(`/api/admin/orders?sort=${forged.s}&cursor=${cursor}`, shop.admin), 400);
    });

    it.each([['sort=price'], ['limit=0'], ['limit=101'], ['status=lost'], ['min_total_cents=-1']])(
      'when the query has %s, then 400',
      async (query) => {
        expectProblem(await get(`/api/orders?${query}`, me.token), 400);
      },
    );

    it('when I read my order, then 200 with its lines', async () => {
      const response = await get(`/api/orders/${mine[0]!.id}`, me.token);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(mine[0]);
      expect(response.json().items).toHaveLength(1);
    });

    it('when I read another user’s order, then 404 as if it did not exist', async () => {
      const body = expectProblem(await get(`/api/orders/${theirs.id}`, me.token), 404);
      expect(body.detail).toBe(`No order with id ${theirs.id}.`);
    });

    it('when no order has the id, then 404; when the id is not a number, then 400', async () => {
      expectProblem(await get('/api/orders/2000000', me.token), 404);
      expectProblem(await get('/api/orders/abc', me.token), 400);
    });

    it('when an admin reads anyone’s order, then 200', async () => {
      expect((await get(`/api/orders/${theirs.id}`, shop.admin)).json().user_id).toBe(someoneElse.userId);
    });

    it('when there is no token, then 401 on the list and on one order', async () => {
      expectProblem(await get('/api/orders'), 401);
      expectProblem(await get(`/api/orders/${mine[0]!.id}`), 401);
    });
  });

  describe('POST /api/orders/{id}/cancel', () => {
    it('when the owner cancels a confirmed order, then 200 cancelled and the stock is back at the product service', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const order = await placed(app(), me.token, [{ product_id: item.id, quantity: 4 }]);
      expect(await shop.stockOf(item.id)).toBe(6);

      const response = await cancel(order.id, me.token);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ id: order.id, status: 'cancelled', user_id: me.userId });
      expect(await shop.stockOf(item.id)).toBe(10);
      expect((await get(`/api/orders/${order.id}`, me.token)).json().status).toBe('cancelled');
    });

    it('when cancelled a second time, then 409 and the stock is not returned twice', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const order = await placed(app(), me.token, [{ product_id: item.id, quantity: 4 }]);
      await cancel(order.id, me.token);
      const body = expectProblem(await cancel(order.id, me.token), 409);
      expect(body.detail).toBe('An order that is cancelled cannot be cancelled.');
      expect(await shop.stockOf(item.id)).toBe(10);
    });

    it('when another customer cancels my order, then 404 and it stays confirmed with its stock', async () => {
      const me = await shop.newCustomer();
      const other = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const order = await placed(app(), me.token, [{ product_id: item.id, quantity: 4 }]);
      expectProblem(await cancel(order.id, other.token), 404);
      expect((await get(`/api/orders/${order.id}`, me.token)).json().status).toBe('confirmed');
      expect(await shop.stockOf(item.id)).toBe(6);
    });

    it('when an admin cancels a customer’s confirmed order, then 200 and the stock is back', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const order = await placed(app(), me.token, [{ product_id: item.id, quantity: 2 }]);
      const response = await cancel(order.id, shop.admin);
      expect(response.statusCode).toBe(200);
      expect(response.json().status).toBe('cancelled');
      expect(await shop.stockOf(item.id)).toBe(10);
    });

    it('when the order has shipped, then neither the owner nor an admin can cancel it (409)', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const order = await placed(app(), me.token, [{ product_id: item.id, quantity: 2 }]);
      expect((await patch(order.id, 'shipped', shop.admin)).statusCode).toBe(200);
      expectProblem(await cancel(order.id, me.token), 409);
      expectProblem(await cancel(order.id, shop.admin), 409);
      expect(await shop.stockOf(item.id)).toBe(8);
    });

    it('when the token has neither order:read nor order:write, then 403; without a token, 401', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const order = await placed(app(), me.token, [{ product_id: item.id, quantity: 1 }]);
      const noScope = await shop.product.tokens.sign({ sub: String(me.userId), scope: 'product:read' });
      expectProblem(await cancel(order.id, noScope), 403);
      expectProblem(await cancel(order.id), 401);
      expect(await shop.stockOf(item.id)).toBe(9);
    });
  });

  describe('GET /api/admin/orders', () => {
    let ada: Awaited<ReturnType<TestShop['newCustomer']>>;
    let adas: OrderView[];
    let bobs: OrderView[];

    beforeAll(async () => {
      ada = await shop.newCustomer();
      const bob = await shop.newCustomer();
      const item = await shop.makeProduct(1000, 10);
      adas = [];
      bobs = [];
      for (const quantity of [3, 1, 2]) adas.push(await placed(app(), ada.token, [{ product_id: item.id, quantity }]));
      for (const quantity of [5, 4]) bobs.push(await placed(app(), bob.token, [{ product_id: item.id, quantity }]));
    });

    it('when an admin lists, then every user’s orders come, newest first', async () => {
      const all = await walk('/api/admin/orders?limit=3', shop.admin);
      const expected = [...adas, ...bobs].map((o) => o.id);
      expect(all.filter((id) => expected.includes(id))).toEqual([...expected].reverse());
      expect(all).toEqual([...all].sort((a, b) => b - a));
    });

    it('when filtered by user_id and sorted by total, then only that user’s orders come, walked across pages', async () => {
      const expected = [...adas].sort((a, b) => a.total_cents - b.total_cents).map((o) => o.id);
      expect(await walk(`/api/admin/orders?user_id=${ada.userId}&sort=total&limit=1`, shop.admin)).toEqual(expected);
    });

    it('when a customer asks, then 403 (order:read-all), even for their own user_id', async () => {
      const response = await get(`/api/admin/orders?user_id=${ada.userId}`, ada.token);
      expectProblem(response, 403);
      expect(response.headers['www-authenticate']).toMatch(/insufficient_scope/);
    });

    it('when there is no token, then 401', async () => {
      expectProblem(await get('/api/admin/orders'), 401);
    });
  });

  describe('PATCH /api/admin/orders/{id}', () => {
    async function freshOrder() {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      return { me, order: await placed(app(), me.token, [{ product_id: item.id, quantity: 1 }]) };
    }

    it('when moved to shipped then delivered, then 200 each time and the customer sees it', async () => {
      const { me, order } = await freshOrder();
      const shipped = await patch(order.id, 'shipped', shop.admin);
      expect(shipped.statusCode).toBe(200);
      expect(shipped.json().status).toBe('shipped');
      expect(Date.parse(shipped.json().updated_at)).toBeGreaterThanOrEqual(Date.parse(order.updated_at));
      expect((await patch(order.id, 'delivered', shop.admin)).json().status).toBe('delivered');
      expect((await get(`/api/orders/${order.id}`, me.token)).json().status).toBe('delivered');
    });

    it('when a move skips a step or goes backwards, then 409 naming from and to', async () => {
      const { order } = await freshOrder();
      expect(expectProblem(await patch(order.id, 'delivered', shop.admin), 409).detail).toBe(
        'An order that is confirmed cannot become delivered.',
      );
      await patch(order.id, 'shipped', shop.admin);
      expectProblem(await patch(order.id, 'shipped', shop.admin), 409);
      await patch(order.id, 'delivered', shop.admin);
      expect(expectProblem(await patch(order.id, 'shipped', shop.admin), 409).detail).toBe(
        'An order that is delivered cannot become shipped.',
      );
    });

    it('when the order is cancelled, then it cannot be shipped (409)', async () => {
      const { me, order } = await freshOrder();
      await cancel(order.id, me.token);
      expectProblem(await patch(order.id, 'shipped', shop.admin), 409);
      expect((await get(`/api/orders/${order.id}`, me.token)).json().status).toBe('cancelled');
    });

    it('when a customer moves even their own order, then 403 and nothing changes', async () => {
      const { me, order } = await freshOrder();
      expectProblem(await patch(order.id, 'shipped', me.token), 403);
      expect((await get(`/api/orders/${order.id}`, me.token)).json().status).toBe('confirmed');
    });

    it('when there is no token, then 401 and nothing changes', async () => {
      const { me, order } = await freshOrder();
      const response = await app().inject({
        method: 'PATCH',
        url: `/api/admin/orders/${order.id}`,
        payload: { status: 'shipped' },
      });
      expectProblem(response, 401);
      expect((await get(`/api/orders/${order.id}`, me.token)).json().status).toBe('confirmed');
    });

    it('when the status is not shipped or delivered, then 400; when no order has the id, then 404', async () => {
      const { order } = await freshOrder();
      expectProblem(await patch(order.id, 'cancelled', shop.admin), 400);
      expectProblem(await patch(order.id, 'confirmed', shop.admin), 400);
      expectProblem(await patch(2_000_000, 'shipped', shop.admin), 404);
    });
  });

  describe('outbox', () => {
    it('when an order is placed, then an order.placed row holds a CloudEvent with the order’s data', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10, 450);
      const order = await placed(app(), me.token, [{ product_id: item.id, quantity: 2 }]);
      const [row, ...rest] = await outboxFor(shop.order.database, order.id);

      expect(rest).toEqual([]);
      expect(row?.type).toBe('order.placed');
      expect(row?.event).toMatchObject({
        specversion: '1.0',
        id: expect.stringMatching(UUID),
        source: '/order',
        type: 'order.placed',
        datacontenttype: 'application/json',
      });
      expect(Math.abs(Date.parse(row?.event.time ?? '') - Date.now())).toBeLessThan(60_000);
      expect(row?.event.data).toMatchObject({
        order_id: order.id,
        user_id: me.userId,
        email: me.email,
        items: [{ product_id: item.id, name: item.name, unit_price_cents: 450, quantity: 2, line_total_cents: 900 }],
        total_cents: 900,
        currency: 'EUR',
        from_cart: false,
        reservation_id: expect.stringMatching(UUID),
      });
      expect(schemaErrors(EVENT_SCHEMAS['order.placed'], row?.event.data)).toEqual([]);
    });

    it('when an order is cancelled and another moves forward, then order.cancelled and order.status_changed rows hold the change', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const first = await placed(app(), me.token, [{ product_id: item.id, quantity: 1 }]);
      const second = await placed(app(), me.token, [{ product_id: item.id, quantity: 1 }]);
      await cancel(first.id, me.token);
      await patch(second.id, 'shipped', shop.admin);
      await patch(second.id, 'delivered', shop.admin);

      const cancelled = await outboxFor(shop.order.database, first.id);
      expect(cancelled.map((row) => row.type)).toEqual(['order.placed', 'order.cancelled']);
      expect(cancelled[1]?.event).toMatchObject({ source: '/order', type: 'order.cancelled', specversion: '1.0' });
      expect(cancelled[1]?.event.data).toEqual({
        order_id: first.id,
        user_id: me.userId,
        email: me.email,
        reason: 'cancelled by the customer',
      });

      const moved = await outboxFor(shop.order.database, second.id);
      expect(moved.map((row) => row.type)).toEqual(['order.placed', 'order.status_changed', 'order.status_changed']);
      expect(moved.slice(1).map((row) => row.event.data)).toEqual([
        { order_id: second.id, status: 'shipped' },
        { order_id: second.id, status: 'delivered' },
      ]);
      const eventIds = new Set([...cancelled, ...moved].map((row) => row.event.id));
      expect(eventIds.size).toBe(5);
      for (const row of [...cancelled, ...moved]) {
        expect(schemaErrors(EVENT_SCHEMAS[row.type as EventType], row.event.data), row.type).toEqual([]);
      }
    });

    it('when a request fails (409 for short stock), then no order and no outbox row is written', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(0);
      const before = await outboxCount(shop.order.database);
      expectProblem(await postOrder(app(), me.token, { items: [{ product_id: item.id, quantity: 1 }] }), 409);
      expect(await outboxCount(shop.order.database)).toBe(before);
      expect(ids(await get('/api/orders', me.token))).toEqual([]);
    });
  });
});
