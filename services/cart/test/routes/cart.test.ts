import { testServers } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../../../../packages/platform/test/messaging/tcp-proxy.ts';
import {
  bearer,
  buildTestCart,
  cartOf,
  deleteItem,
  expectCart,
  expectProblem,
  getCart,
  putItem,
  storeKinds,
  type TestCart,
} from '../helpers.ts';

const CART_FIELDS = ['currency', 'items', 'notes', 'total_cents'];

describe.each(storeKinds())('the cart API on %s', (store) => {
  let shop: TestCart;

  beforeAll(async () => {
    shop = await buildTestCart(store);
  });
  afterAll(() => shop?.close());

  it('when a user has never had a cart, then GET answers an empty cart with a zero total', async () => {
    const me = await shop.newCustomer();
    const cart = await cartOf(shop, me.token);
    expect(Object.keys(cart).sort()).toEqual(CART_FIELDS);
    expect(cart).toEqual({ items: [], total_cents: 0, currency: 'EUR', notes: [] });
  });

  it('when products are put in, then the cart comes back at the product service’s prices, in the order first added, with line totals and the total', async () => {
    const me = await shop.newCustomer();
    const tea = await shop.makeProduct(350);
    const cola = await shop.makeProduct(199);
    expectCart(await putItem(shop, me.token, tea.id, { quantity: 1 }));
    const cart = expectCart(await putItem(shop, me.token, cola.id, { quantity: 3 }));

    expect(cart.items).toEqual([
      { product_id: tea.id, name: tea.name, unit_price_cents: 350, quantity: 1, line_total_cents: 350 },
      { product_id: cola.id, name: cola.name, unit_price_cents: 199, quantity: 3, line_total_cents: 597 },
    ]);
    expect(cart.total_cents).toBe(350 + 597);
    expect(await cartOf(shop, me.token)).toEqual(cart);
  });

  it('when a product is put again, then its quantity is set (not added to) and it keeps its place', async () => {
    const me = await shop.newCustomer();
    const [first, second] = [await shop.makeProduct(100), await shop.makeProduct(200)];
    await putItem(shop, me.token, first.id, { quantity: 5 });
    await putItem(shop, me.token, second.id, { quantity: 1 });
    const cart = expectCart(await putItem(shop, me.token, first.id, { quantity: 2 }));
    expect(cart.items.map((item) => [item.product_id, item.quantity])).toEqual([
      [first.id, 2],
      [second.id, 1],
    ]);
    expect(cart.total_cents).toBe(2 * 100 + 200);
  });

  it('when a line is deleted, then 200 with the cart without it; deleting it again is still 200', async () => {
    const me = await shop.newCustomer();
    const [keep, drop] = [await shop.makeProduct(100), await shop.makeProduct(200)];
    await putItem(shop, me.token, keep.id, { quantity: 1 });
    await putItem(shop, me.token, drop.id, { quantity: 1 });
    const cart = expectCart(await deleteItem(shop, me.token, drop.id));
    expect(cart.items.map((item) => item.product_id)).toEqual([keep.id]);
    expect(cart.total_cents).toBe(100);
    expect(expectCart(await deleteItem(shop, me.token, drop.id)).items).toHaveLength(1);
  });

  it('when the cart is deleted, then 204 with no body and the cart is empty', async () => {
    const me = await shop.newCustomer();
    await putItem(shop, me.token, (await shop.makeProduct()).id, { quantity: 4 });
    const response = await shop.cart.app.inject({ method: 'DELETE', url: '/api/cart', headers: bearer(me.token) });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect((await cartOf(shop, me.token)).items).toEqual([]);
  });

  it('when the product does not exist, then 422 naming product_id, and the cart is unchanged', async () => {
    const me = await shop.newCustomer();
    const real = await shop.makeProduct();
    await putItem(shop, me.token, real.id, { quantity: 1 });
    const body = expectProblem(await putItem(shop, me.token, 999_999_999, { quantity: 1 }), 422);
    expect(body.errors).toEqual([{ field: 'product_id', message: expect.any(String) }]);
    expect((await cartOf(shop, me.token)).items.map((item) => item.product_id)).toEqual([real.id]);
  });

  it('when the product is archived, then putting it is 422', async () => {
    const me = await shop.newCustomer();
    const gone = await shop.makeProduct();
    await shop.archiveProduct(gone.id);
    expectProblem(await putItem(shop, me.token, gone.id, { quantity: 1 }), 422);
  });

  it('when a product in the cart is archived, then the next read drops it with a note, and the read after has neither', async () => {
    const me = await shop.newCustomer();
    const [stays, goes] = [await shop.makeProduct(300), await shop.makeProduct(500)];
    await putItem(shop, me.token, goes.id, { quantity: 2 });
    await putItem(shop, me.token, stays.id, { quantity: 1 });
    await shop.archiveProduct(goes.id);

    const cart = await cartOf(shop, me.token);
    expect(cart.items.map((item) => item.product_id)).toEqual([stays.id]);
    expect(cart.total_cents).toBe(300);
    expect(cart.notes).toEqual([
      { product_id: goes.id, message: `Product ${goes.id} is no longer sold and was removed from your cart.` },
    ]);
    const next = await cartOf(shop, me.token);
    expect(next.notes).toEqual([]);
    expect(next.items.map((item) => item.product_id)).toEqual([stays.id]);
  });

  it('when a price or name changes at the product service, then the cart shows it (price TTL 0 here)', async () => {
    const me = await shop.newCustomer();
    const item = await shop.makeProduct(1_000);
    await putItem(shop, me.token, item.id, { quantity: 3 });
    await shop.patchProduct(item.id, { price_cents: 1_250, name: 'Renamed thing' });
    const cart = await cartOf(shop, me.token);
    expect(cart.items[0]).toMatchObject({ name: 'Renamed thing', unit_price_cents: 1_250, line_total_cents: 3_750 });
    expect(cart.total_cents).toBe(3_750);
  });

  describe('bad requests are 400 and change nothing', () => {
    const bodies: Array<[string, unknown]> = [
      ['a quantity as a string', { quantity: '5' }],
      ['a quantity of 0', { quantity: 0 }],
      ['a quantity of 100', { quantity: 100 }],
      ['a fractional quantity', { quantity: 1.5 }],
      ['a negative quantity', { quantity: -1 }],
      ['no quantity', {}],
      ['an unknown field', { quantity: 1, price_cents: 1 }],
      ['an array', [{ quantity: 1 }]],
      ['null', null],
    ];
    for (const [what, payload] of bodies) {
      it(`when the body has ${what}, then 400`, async () => {
        const me = await shop.newCustomer();
        const item = await shop.makeProduct();
        const response = await shop.cart.app.inject({
          method: 'PUT',
          url: `/api/cart/items/${item.id}`,
          headers: { ...bearer(me.token), 'content-type': 'application/json' },
          payload: JSON.stringify(payload),
        });
        expectProblem(response, 400);
        expect((await cartOf(shop, me.token)).items).toEqual([]);
      });
    }

    it('when the unknown field is named, then the problem says which', async () => {
      const me = await shop.newCustomer();
      const body = expectProblem(
        await putItem(shop, me.token, (await shop.makeProduct()).id, { quantity: 1, unit_price_cents: 1 }),
        400,
      );
      expect(body.errors).toContainEqual({ field: 'unit_price_cents', message: 'is not a known field' });
    });

    for (const productId of ['0', 'abc', '-3', '2147483648', '1.5']) {
      it(`when the product id is ${productId}, then 400 on PUT and DELETE`, async () => {
        const me = await shop.newCustomer();
        expectProblem(await putItem(shop, me.token, productId, { quantity: 1 }), 400);
        const response = await shop.cart.app.inject({
          method: 'DELETE',
          url: `/api/cart/items/${productId}`,
          headers: bearer(me.token),
        });
        expectProblem(response, 400);
      });
    }
  });

  describe('another user’s cart', () => {
    it('when two users fill, change and empty their carts, then neither sees or changes the other’s', async () => {
      const ada = await shop.newCustomer();
      const grace = await shop.newCustomer();
      const [bread, jam] = [await shop.makeProduct(450), await shop.makeProduct(799)];
      await putItem(shop, ada.token, bread.id, { quantity: 2 });
      await putItem(shop, grace.token, bread.id, { quantity: 5 });
      await putItem(shop, grace.token, jam.id, { quantity: 1 });

      expect((await cartOf(shop, ada.token)).items.map((i) => [i.product_id, i.quantity])).toEqual([[bread.id, 2]]);
      await deleteItem(shop, grace.token, bread.id);
      await shop.cart.app.inject({ method: 'DELETE', url: '/api/cart', headers: bearer(grace.token) });
      expect((await cartOf(shop, grace.token)).items).toEqual([]);
      expect((await cartOf(shop, ada.token)).total_cents).toBe(900);
    });
  });

  describe('when the product service is down', () => {
    it('then reads and puts answer 503 problem+json with Retry-After, and no line is dropped', async () => {
      const me = await shop.newCustomer();
      const item = await shop.makeProduct(250);
      await putItem(shop, me.token, item.id, { quantity: 2 });
      await shop.stopProduct();
      try {
        for (const response of [
          await getCart(shop, me.token),
          await putItem(shop, me.token, item.id, { quantity: 3 }),
          await deleteItem(shop, me.token, 12_345),
        ]) {
          const body = expectProblem(response, 503);
          expect(body.detail).toMatch(/product service/);
          expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
        }
      } finally {
        await shop.startProduct();
      }
      const cart = await cartOf(shop, me.token);
      expect(cart.items.map((i) => [i.product_id, i.quantity])).toEqual([[item.id, 2]]);
      expect(cart.notes).toEqual([]);
    });
  });
});

describe('the cart API with its limits', () => {
  let shop: TestCart;

  beforeAll(async () => {
    shop = await buildTestCart('pglite', { maxLines: 2, priceTtlSeconds: 1 });
  });
  afterAll(() => shop?.close());

  it('when the cart holds CART_MAX_LINES products, then one more is 422; changing a held one still works', async () => {
    const me = await shop.newCustomer();
    const [a, b, c] = [await shop.makeProduct(), await shop.makeProduct(), await shop.makeProduct()];
    await putItem(shop, me.token, a.id, { quantity: 1 });
    await putItem(shop, me.token, b.id, { quantity: 1 });
    const body = expectProblem(await putItem(shop, me.token, c.id, { quantity: 1 }), 422);
    expect(body.errors).toEqual([{ field: 'product_id', message: expect.stringMatching(/2 products/) }]);
    const cart = expectCart(await putItem(shop, me.token, b.id, { quantity: 9 }));
    expect(cart.items.map((i) => [i.product_id, i.quantity])).toEqual([
      [a.id, 1],
      [b.id, 9],
    ]);
  });

  it('when the price changes, then the cart shows the cached price until CART_PRICE_TTL has passed, and the new one after', async () => {
    const me = await shop.newCustomer();
    const item = await shop.makeProduct(500);
    expect(expectCart(await putItem(shop, me.token, item.id, { quantity: 2 })).total_cents).toBe(1_000);
    await shop.patchProduct(item.id, { price_cents: 700 });
    expect((await cartOf(shop, me.token)).total_cents).toBe(1_000);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const cart = await cartOf(shop, me.token);
    expect(cart.items[0]?.unit_price_cents).toBe(700);
    expect(cart.total_cents).toBe(1_400);
  });
});

const redisUrl = testServers().redisUrl;

describe.runIf(redisUrl !== null)('the cart API when Redis is unreachable', () => {
  let shop: TestCart;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const target = new URL(redisUrl ?? '');
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 6379));
    shop = await buildTestCart('redis', { redisUrl: proxy.url(redisUrl ?? '') });
  });
  afterAll(async () => {
    await shop?.close();
    await proxy?.close();
  });

  it('then every endpoint answers 503 problem+json with Retry-After (never 500), and the cart is intact once it is back', async () => {
    const me = await shop.newCustomer();
    const item = await shop.makeProduct(300);
    await putItem(shop, me.token, item.id, { quantity: 2 });
    proxy.cut();
    try {
      for (const response of [
        await getCart(shop, me.token),
        await putItem(shop, me.token, item.id, { quantity: 5 }),
        await deleteItem(shop, me.token, item.id),
        await shop.cart.app.inject({ method: 'DELETE', url: '/api/cart', headers: bearer(me.token) }),
      ]) {
        const body = expectProblem(response, 503);
        expect(body.detail).toMatch(/cart store/);
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect((await shop.cart.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);
    } finally {
      proxy.restore();
    }
    await expect
      .poll(async () => (await getCart(shop, me.token)).statusCode, { timeout: 10_000, interval: 100 })
      .toBe(200);
    expect((await cartOf(shop, me.token)).items.map((i) => [i.product_id, i.quantity])).toEqual([[item.id, 2]]);
  });
});
