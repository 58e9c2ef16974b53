import { randomUUID } from 'node:crypto';
import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestShop, expectProblem, orderCount, postOrder, type TestShop } from '../helpers.ts';

const ORDER_FIELDS = ['created_at', 'currency', 'id', 'items', 'status', 'total_cents', 'updated_at', 'user_id'];

describe.each(databaseTargets())('POST /api/orders on $name', (target) => {
  let shop: TestShop;

  beforeAll(async () => {
    shop = await buildTestShop(target);
  });
  afterAll(() => shop.close());

  const app = () => shop.order.app;

  it('when stock suffices, then 201 with the order at the product service’s prices, and the stock is taken', async () => {
    const me = await shop.newCustomer();
    const cola = await shop.makeProduct(10, 199);
    const tea = await shop.makeProduct(5, 350);
    const response = await postOrder(app(), me.token, {
      items: [
        { product_id: tea.id, quantity: 1 },
        { product_id: cola.id, quantity: 3 },
      ],
    });

    expect(response.statusCode, response.body).toBe(201);
    const order = response.json();
    expect(Object.keys(order).sort()).toEqual(ORDER_FIELDS);
    expect(order).toMatchObject({
      user_id: me.userId,
      status: 'confirmed',
      currency: 'EUR',
      total_cents: 3 * 199 + 350,
    });
    expect(order.items).toEqual([
      { product_id: cola.id, name: cola.name, unit_price_cents: 199, quantity: 3, line_total_cents: 597 },
      { product_id: tea.id, name: tea.name, unit_price_cents: 350, quantity: 1, line_total_cents: 350 },
    ]);
    expect(Date.parse(order.created_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(await shop.stockOf(cola.id)).toBe(7);
    expect(await shop.stockOf(tea.id)).toBe(4);
  });

  it('when the price changes after an order, then the next order has the new price and the first keeps its own', async () => {
    const me = await shop.newCustomer();
    const wine = await shop.makeProduct(10, 1500);
    const first = (await postOrder(app(), me.token, { items: [{ product_id: wine.id, quantity: 1 }] })).json();
    const patch = await shop.product.app.inject({
      method: 'PATCH',
      url: `/api/products/${wine.id}`,
      headers: bearer(shop.admin),
      payload: { price_cents: 2500 },
    });
    expect(patch.statusCode).toBe(200);
    const second = (await postOrder(app(), me.token, { items: [{ product_id: wine.id, quantity: 1 }] })).json();

    expect(second.total_cents).toBe(2500);
    const again = await app().inject({ method: 'GET', url: `/api/orders/${first.id}`, headers: bearer(me.token) });
    expect(again.json().total_cents).toBe(1500);
  });

  it('when the client sends a price, then 400: prices are never the client’s, and nothing is ordered', async () => {
    const me = await shop.newCustomer();
    const item = await shop.makeProduct(10, 999);
    const before = await orderCount(shop.order.database);
    for (const payload of [
      { items: [{ product_id: item.id, quantity: 1, unit_price_cents: 1 }] },
      { items: [{ product_id: item.id, quantity: 1 }], total_cents: 1 },
    ]) {
      const body = expectProblem(await postOrder(app(), me.token, payload), 400);
      expect(body.errors?.[0]?.message).toBe('is not a known field');
    }
    expect(await orderCount(shop.order.database)).toBe(before);
    expect(await shop.stockOf(item.id)).toBe(10);
  });

  describe('Idempotency-Key', () => {
    it('when the same key and body come again, then 200 with the same order and the stock is taken once', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const key = randomUUID();
      const payload = { items: [{ product_id: item.id, quantity: 2 }] };
      const first = await postOrder(app(), me.token, payload, key);
      const again = await postOrder(app(), me.token, payload, key);

      expect(first.statusCode).toBe(201);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(first.json());
      expect(await shop.stockOf(item.id)).toBe(8);
    });

    it('when the same key comes with another body, then 422 and nothing more is ordered', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const key = randomUUID();
      await postOrder(app(), me.token, { items: [{ product_id: item.id, quantity: 1 }] }, key);
      const body = expectProblem(
        await postOrder(app(), me.token, { items: [{ product_id: item.id, quantity: 2 }] }, key),
        422,
      );
      expect(body.detail).toMatch(/different request body/);
      expect(await shop.stockOf(item.id)).toBe(9);
    });

    it('when two requests with the same key arrive together, then one places the order (201), the other waits and gets it (200)', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const key = randomUUID();
      const payload = { items: [{ product_id: item.id, quantity: 3 }] };
      const [a, b] = await Promise.all([
        postOrder(app(), me.token, payload, key),
        postOrder(app(), me.token, payload, key),
      ]);

      expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
      expect(a.json().id).toBe(b.json().id);
      expect(await shop.stockOf(item.id)).toBe(7);
    });

    it('when another user sends the same key and body, then they get their own new order, not the first user’s', async () => {
      const ada = await shop.newCustomer();
      const bob = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const key = randomUUID();
      const payload = { items: [{ product_id: item.id, quantity: 1 }] };
      const adas = await postOrder(app(), ada.token, payload, key);
      const bobs = await postOrder(app(), bob.token, payload, key);

      expect(bobs.statusCode).toBe(201);
      expect(bobs.json().id).not.toBe(adas.json().id);
      expect(bobs.json().user_id).toBe(bob.userId);
      expect(await shop.stockOf(item.id)).toBe(8);
    });

    it('when the header is missing, then 400 and nothing is ordered', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const body = expectProblem(
        await postOrder(app(), me.token, { items: [{ product_id: item.id, quantity: 1 }] }, null),
        400,
      );
      expect(body.errors).toEqual([{ field: 'idempotency-key', message: 'is required' }]);
      expect(await shop.stockOf(item.id)).toBe(10);
    });

    it('when the key is 256 characters, then 400; at 255 it is accepted', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const payload = { items: [{ product_id: item.id, quantity: 1 }] };
      expectProblem(await postOrder(app(), me.token, payload, 'k'.repeat(256)), 400);
      expect(await shop.stockOf(item.id)).toBe(10);
      expect((await postOrder(app(), me.token, payload, 'k'.repeat(255))).statusCode).toBe(201);
    });
  });

  describe('what can be ordered', () => {
    it.each([
      ['no items', () => ({ items: [] })],
      ['neither items nor from_cart', () => ({})],
    ])('when the body has %s, then 422', async (_label, payload) => {
      const me = await shop.newCustomer();
      const body = expectProblem(await postOrder(app(), me.token, payload()), 422);
      expect(body.detail).toBe('An order needs at least one item.');
    });

    it.each([0, 100, -1])('when a quantity is %i, then 422 and no stock is taken', async (quantity) => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(200);
      const body = expectProblem(await postOrder(app(), me.token, { items: [{ product_id: item.id, quantity }] }), 422);
      expect(body.detail).toBe('Quantities are 1 to 99.');
      expect(await shop.stockOf(item.id)).toBe(200);
    });

    it('when a product id appears twice, then 422 naming it and no stock is taken', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const body = expectProblem(
        await postOrder(app(), me.token, {
          items: [
            { product_id: item.id, quantity: 1 },
            { product_id: item.id, quantity: 2 },
          ],
        }),
        422,
      );
      expect(body.detail).toContain(`Product ${item.id} appears twice`);
      expect(await shop.stockOf(item.id)).toBe(10);
    });

    it('when a product is unknown, then 422 naming it and the other lines take no stock', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const body = expectProblem(
        await postOrder(app(), me.token, {
          items: [
            { product_id: item.id, quantity: 1 },
            { product_id: 2_000_000, quantity: 1 },
          ],
        }),
        422,
      );
      expect(body.detail).toContain('2000000');
      expect(await shop.stockOf(item.id)).toBe(10);
    });

    it('when some lines are short of stock, then 409 with one error per short product and no stock taken from any line', async () => {
      const me = await shop.newCustomer();
      const plenty = await shop.makeProduct(50);
      const shortA = await shop.makeProduct(1);
      const shortB = await shop.makeProduct(0);
      const before = await orderCount(shop.order.database);
      const body = expectProblem(
        await postOrder(app(), me.token, {
          items: [
            { product_id: plenty.id, quantity: 5 },
            { product_id: shortA.id, quantity: 2 },
            { product_id: shortB.id, quantity: 1 },
          ],
        }),
        409,
      );

      expect(body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ product_id: shortA.id, requested: 2, available: 1 }),
          expect.objectContaining({ product_id: shortB.id, requested: 1, available: 0 }),
        ]),
      );
      expect(body.errors).toHaveLength(2);
      expect(await shop.stockOf(plenty.id)).toBe(50);
      expect(await shop.stockOf(shortA.id)).toBe(1);
      expect(await orderCount(shop.order.database)).toBe(before);
    });

    it('when a refused key is retried after restocking, then the same key now places the order', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(1);
      const key = randomUUID();
      const payload = { items: [{ product_id: item.id, quantity: 3 }] };
      expectProblem(await postOrder(app(), me.token, payload, key), 409);
      const restock = await shop.product.app.inject({
        method: 'PATCH',
        url: `/api/products/${item.id}`,
        headers: bearer(shop.admin),
        payload: { stock: 5 },
      });
      expect(restock.statusCode).toBe(200);
      expect((await postOrder(app(), me.token, payload, key)).statusCode).toBe(201);
      expect(await shop.stockOf(item.id)).toBe(2);
    });

    it('when ordering from the cart without a cart service, then 422 saying so', async () => {
      const me = await shop.newCustomer();
      const body = expectProblem(await postOrder(app(), me.token, { from_cart: true }), 422);
      expect(body.detail).toMatch(/cart service, which is not configured/);
      expect(body.errors).toEqual([{ field: 'from_cart', message: 'no cart service' }]);
    });

    it.each([
      ['a quantity as text', (id: number) => ({ items: [{ product_id: id, quantity: '5' }] })],
      ['a product id as text', (id: number) => ({ items: [{ product_id: String(id), quantity: 1 }] })],
      ['an unknown field', (id: number) => ({ items: [{ product_id: id, quantity: 1 }], coupon: 'FREE' })],
      ['items that are not a list', (id: number) => ({ items: { product_id: id, quantity: 1 } })],
      ['from_cart as text', () => ({ from_cart: 'true' })],
    ])('when the body has %s, then 400 and nothing is ordered', async (_label, payload) => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      expectProblem(await postOrder(app(), me.token, payload(item.id)), 400);
      expect(await shop.stockOf(item.id)).toBe(10);
    });
  });

  describe('who may order', () => {
    it('when there is no token, then 401 with WWW-Authenticate', async () => {
      const response = await app().inject({
        method: 'POST',
        url: '/api/orders',
        headers: { 'idempotency-key': randomUUID() },
        payload: { items: [{ product_id: 1, quantity: 1 }] },
      });
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('when the token lacks order:create, then 403', async () => {
      const readOnly = await shop.product.tokens.sign({ sub: '5000', scope: 'order:read' });
      expectProblem(await postOrder(app(), readOnly, { items: [{ product_id: 1, quantity: 1 }] }), 403);
    });
  });

  describe('when the product service is down', () => {
    it('when it is stopped, then 503 problem+json within 3 s, no order row, and once it is back the stock is unchanged and the same key orders', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(10);
      const before = await orderCount(shop.order.database);
      const key = randomUUID();
      const payload = { items: [{ product_id: item.id, quantity: 2 }] };
      await shop.stopProduct();
      let response: Awaited<ReturnType<typeof postOrder>>;
      const started = Date.now();
      try {
        response = await postOrder(app(), me.token, payload, key);
      } finally {
        await shop.startProduct();
      }
      const elapsed = Date.now() - started;

      const body = expectProblem(response, 503);
      expect(body.detail).toMatch(/product service/);
      expect(response.headers['retry-after']).toBeDefined();
      expect(elapsed).toBeLessThan(3_000);
      expect(await orderCount(shop.order.database)).toBe(before);
      expect(await shop.stockOf(item.id)).toBe(10);

      const retry = await postOrder(app(), me.token, payload, key);
      expect(retry.statusCode, retry.body).toBe(201);
      expect(await shop.stockOf(item.id)).toBe(8);
    });
  });
});
