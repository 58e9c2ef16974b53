/**
 * The whole shop, black-box over HTTP through the gateway only, run once per topology:
 * `npm start` (embedded) and one process per service on real servers (see topologies.ts).
 *
 * The tests of one topology run in order and build on each other: the admin's catalog
 * is what the customers buy.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTypes, SCHEMA_FILE } from '../scripts/web-api-types.ts';
import { placeholderPng } from '../services/product/src/seed/placeholder-image.ts';
import { type Answer, type Body, call as httpCall } from './http.ts';
import { eventually } from './stack.ts';
import { availableTopologies, type Shop } from './topologies.ts';

interface Customer {
  email: string;
  token: string;
}

const topologies = await availableTopologies();

describe.each(topologies)('the shop through its gateway, $name', (topology) => {
  const run = randomBytes(3).toString('hex');
  let shop: Shop;
  let adminToken: string;
  /** The admin's products: a loaf and a jar, in the admin's own category. */
  const catalog = { categoryId: 0, loaf: 0, jar: 0 };
  let ada: Customer;
  let adaOrderId: number;

  const call = (method: string, path: string, options: Parameters<typeof httpCall>[3] = {}) =>
    httpCall(shop.gateway, method, path, options);
  const login = async (email: string, password: string) => {
    const response = await fetch(`${shop.gateway}/api/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username: email, password }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const register = async (name: string): Promise<Customer> => {
    const email = `${name.toLowerCase()}-${run}@example.com`;
    const created = await call('POST', '/api/auth/register', { body: { email, name, password: 'e2e-password' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { email, token: await login(email, 'e2e-password') };
  };
  const stockOf = async (id: number) => (await call('GET', `/api/products/${id}`)).body.stock as number;
  const emailsTo = async (to: string) => {
    const { body } = await call('GET', '/api/admin/emails?limit=100', { token: adminToken });
    return (body.items as Array<{ to: string; subject: string; status: string }>).filter((email) => email.to === to);
  };
  const sentTo = (to: string, subject: string) =>
    eventually(async () =>
      (await emailsTo(to)).some((email) => email.subject.includes(subject) && email.status === 'sent')
        ? true
        : undefined,
    );
  const expectProblem = (answer: Answer, status: number) => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status, title: expect.any(String) });
  };

  beforeAll(async () => {
    shop = await topology.start();
    adminToken = await login(shop.adminEmail, shop.adminPassword);
  }, 120_000);

  afterAll(async () => {
    await shop?.stop();
  }, 60_000);

  it('when an admin creates a category and products, uploads an image and adjusts stock, then the catalog shows them', async () => {
    const category = await call('POST', '/api/categories', { token: adminToken, body: { name: `Pantry ${run}` } });
    expect(category.status, JSON.stringify(category.body)).toBe(201);
    catalog.categoryId = category.body.id;

    const create = (name: string, description: string, price_cents: number, stock: number) =>
      call('POST', '/api/products', {
        token: adminToken,
        body: { name, description, price_cents, stock, category_id: catalog.categoryId },
      });
    const loaf = await create(`Sourdough ${run}`, 'A slow-proved country loaf', 450, 10);
    const jar = await create(`Honey ${run}`, 'Wildflower honey from the hills', 799, 4);
    expect([loaf.status, jar.status]).toEqual([201, 201]);
    catalog.loaf = loaf.body.id;
    catalog.jar = jar.body.id;

    // The image goes through the gateway byte for byte.
    const png = placeholderPng({ seed: run, hue: 40, size: 512 });
    const upload = await fetch(`${shop.gateway}/api/products/${catalog.loaf}/image`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'image/png' },
      body: png,
    });
    expect(upload.status).toBe(200);
    const { image_url } = (await upload.json()) as { image_url: string };
    const image = await fetch(`${shop.gateway}${image_url}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    expect(digest(new Uint8Array(await image.arrayBuffer()))).toBe(digest(png));
    const etag = image.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    const again = await fetch(`${shop.gateway}${image_url}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);

    const restocked = await call('POST', `/api/products/${catalog.jar}/stock`, {
      token: adminToken,
      body: { delta: 6 },
    });
    expect(restocked.status).toBe(200);
    expect(restocked.body.stock).toBe(10);
    expect(await stockOf(catalog.jar)).toBe(10);

    // A customer may not do any of this.
    const customer = await register('Mallory');
    expectProblem(await call('POST', '/api/products', { token: customer.token, body: { name: 'x' } }), 403);
    expectProblem(
      await call('POST', `/api/products/${catalog.jar}/stock`, { token: customer.token, body: { delta: 100 } }),
      403,
    );
  }, 60_000);

  it('when a customer registers, browses, fills the cart, orders from it and cancels, then e-mails follow and the stock returns', async () => {
    ada = await register('Ada');
    await sentTo(ada.email, 'Welcome');

    const listed = await call('GET', `/api/products?category=${catalog.categoryId}&sort=price`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: Body) => p.id)).toEqual([catalog.loaf, catalog.jar]);
    const found = await call('GET', `/api/products?q=${encodeURIComponent('wildflower honey')}`);
    expect(found.body.items.map((p: Body) => p.id)).toContain(catalog.jar);
    expect(found.body.items.map((p: Body) => p.id)).not.toContain(catalog.loaf);

    expect(
      (await call('PUT', `/api/cart/items/${catalog.loaf}`, { token: ada.token, body: { quantity: 2 } })).status,
    ).toBe(200);
    const cart = await call('PUT', `/api/cart/items/${catalog.jar}`, { token: ada.token, body: { quantity: 3 } });
    expect(cart.status).toBe(200);
    expect(cart.body.items.map((line: Body) => [line.product_id, line.quantity, line.line_total_cents])).toEqual([
      [catalog.loaf, 2, 900],
      [catalog.jar, 3, 2397],
    ]);
    expect(cart.body.total_cents).toBe(3297);
    expectProblem(await call('PUT', '/api/cart/items/999999999', { token: ada.token, body: { quantity: 1 } }), 422);
    expectProblem(
      await call('PUT', `/api/cart/items/${catalog.loaf}`, { token: ada.token, body: { quantity: '2' } }),
      400,
    );

    const placed = await call('POST', '/api/orders', {
      token: ada.token,
      body: { from_cart: true },
      headers: { 'idempotency-key': `ada-${run}` },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body.total_cents).toBe(3297);
    expect(placed.body.status).toBe('confirmed');
    expect([await stockOf(catalog.loaf), await stockOf(catalog.jar)]).toEqual([8, 7]);
    // The same request again is the same order, with no new effect.
    const repeated = await call('POST', '/api/orders', {
      token: ada.token,
      body: { from_cart: true },
      headers: { 'idempotency-key': `ada-${run}` },
    });
    expect(repeated.body.id).toBe(placed.body.id);

    // order.placed empties the cart.
    await eventually(async () =>
      (await call('GET', '/api/cart', { token: ada.token })).body.items.length === 0 ? true : undefined,
    );
    await sentTo(ada.email, `Your order #${placed.body.id} is confirmed`);

    const cancelled = await call('POST', `/api/orders/${placed.body.id}/cancel`, { token: ada.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect([await stockOf(catalog.loaf), await stockOf(catalog.jar)]).toEqual([10, 10]);
    await sentTo(ada.email, 'cancelled');
    // One of each: no delivery turned into two e-mails.
    expect((await emailsTo(ada.email)).map((email) => email.status)).toEqual(['sent', 'sent', 'sent']);
  }, 90_000);

  it('when an admin moves an order to shipped, then its customer can no longer cancel it', async () => {
    const placed = await call('POST', '/api/orders', {
      token: ada.token,
      body: { items: [{ product_id: catalog.jar, quantity: 1 }] },
      headers: { 'idempotency-key': `ada-ship-${run}` },
    });
    expect(placed.status).toBe(201);
    adaOrderId = placed.body.id;

    const all = await call('GET', `/api/admin/orders?user_id=${placed.body.user_id}`, { token: adminToken });
    expect(all.body.items.map((order: Body) => order.id)).toContain(adaOrderId);
    const shipped = await call('PATCH', `/api/admin/orders/${adaOrderId}`, {
      token: adminToken,
      body: { status: 'shipped' },
    });
    expect(shipped.status).toBe(200);
    expect(shipped.body.status).toBe('shipped');
    expectProblem(await call('POST', `/api/orders/${adaOrderId}/cancel`, { token: ada.token }), 409);
    expectProblem(
      await call('PATCH', `/api/admin/orders/${adaOrderId}`, { token: adminToken, body: { status: 'shipped' } }),
      409,
    );
    expect((await call('GET', `/api/orders/${adaOrderId}`, { token: ada.token })).body.status).toBe('shipped');
  }, 30_000);

  it('when orders are placed and cancelled through the API, then the analytics reports count them on the next ETL run, for admins only', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const range = `from=${today}&to=${today}`;
    expectProblem(await call('GET', `/api/admin/analytics/sales?${range}`), 401);
    expectProblem(await call('GET', `/api/admin/analytics/sales?${range}`, { token: ada.token }), 403);
    expectProblem(
      await call('GET', '/api/admin/analytics/sales?from=2026-02-30&to=2026-03-01', { token: adminToken }),
      400,
    );

    const lin = await register('Lin');
    const placed = await call('POST', '/api/orders', {
      token: lin.token,
      body: { items: [{ product_id: catalog.loaf, quantity: 2 }] },
      headers: { 'idempotency-key': `lin-${run}` },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);

    // Today, in this shop: Ada's cart order (2 loaves, 3 jars) was cancelled, her jar was
    // shipped, and Lin bought 2 loaves. The ETL runs every 2 s here: no refresh is asked for.
    const sales = await eventually(async () => {
      const answer = await call('GET', `/api/admin/analytics/sales?${range}`, { token: adminToken });
      return answer.body.items?.[0]?.orders === 2 ? answer.body : undefined;
    });
    expect(sales.items).toEqual([
      { period: today, orders: 2, units: 3, revenue_cents: 1699, average_order_cents: 850, cancelled_orders: 1 },
    ]);
    const top = await call('GET', `/api/admin/analytics/top-products?${range}&limit=100`, { token: adminToken });
    const ours = (top.body.items as Body[]).filter((item) => [catalog.loaf, catalog.jar].includes(item.product_id));
    expect(ours.map((item) => [item.product_id, item.units, item.revenue_cents])).toEqual([
      [catalog.loaf, 2, 900],
      [catalog.jar, 1, 799],
    ]);
    const customers = await call('GET', `/api/admin/analytics/customers?${range}`, { token: adminToken });
    expect(customers.body).toEqual({ new_customers: 2, returning_customers: 0 });
  }, 60_000);

  it("when a second customer asks for or cancels the first one's order, then it is not found, and their carts are apart", async () => {
    const grace = await register('Grace');
    expect((await call('GET', '/api/orders', { token: grace.token })).body.items).toEqual([]);
    expectProblem(await call('GET', `/api/orders/${adaOrderId}`, { token: grace.token }), 404);
    expectProblem(await call('POST', `/api/orders/${adaOrderId}/cancel`, { token: grace.token }), 404);
    expectProblem(await call('GET', '/api/admin/orders', { token: grace.token }), 403);
    expectProblem(await call('GET', '/api/admin/emails', { token: grace.token }), 403);

    await call('PUT', `/api/cart/items/${catalog.loaf}`, { token: grace.token, body: { quantity: 5 } });
    expect((await call('GET', '/api/cart', { token: ada.token })).body.items).toEqual([]);
    expect((await call('GET', '/api/cart', { token: grace.token })).body.total_cents).toBe(2250);
  }, 30_000);

  it('when the gateway’s merged OpenAPI document is read, then the web app’s API types are generated from exactly it', async () => {
    const document = (await call('GET', '/openapi.json')).body;
    expect(String(document.info?.description)).not.toContain('not included');
    // Run `npm run generate:api` after changing a route's schema.
    expect(await apiTypes(document)).toBe(readFileSync(SCHEMA_FILE, 'utf8'));
  });

  it('when a browser opens the shop, then / serves the web app, and its client routes survive a reload', async () => {
    for (const path of ['/', '/orders', '/admin/products']) {
      const response = await fetch(`${shop.gateway}${path}`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain('<div id="root"></div>');
    }
    const robots = await fetch(`${shop.gateway}/robots.txt`);
    expect(await robots.text()).toContain('Disallow: /admin');
  });

  it('when a client calls what the gateway does not route, then it answers problem+json and echoes the request id', async () => {
    expectProblem(await call('POST', '/internal/reservations', { body: { order_ref: 'x', items: [] } }), 404);
    expectProblem(await call('GET', '/internal/products/1'), 404);
    expectProblem(await call('GET', '/api/nowhere'), 404);
    expectProblem(await call('GET', '/api/cart'), 401);
    const traced = await call('GET', '/api/products?limit=1', { headers: { 'x-request-id': `e2e-${run}` } });
    expect(traced.headers.get('x-request-id')).toBe(`e2e-${run}`);
    const docs = await call('GET', '/openapi.json');
    const paths = Object.keys(docs.body.paths);
    for (const path of ['/api/auth/token', '/api/products', '/api/cart', '/api/orders', '/api/admin/emails']) {
      expect(paths).toContain(path);
    }
    expect(paths.filter((path) => path.startsWith('/internal'))).toEqual([]);
  }, 30_000);

  it('when a service stops in the middle of the run, then the gateway answers 503 problem+json, and the run recovers with nothing lost', async () => {
    await call('PUT', `/api/cart/items/${catalog.jar}`, { token: ada.token, body: { quantity: 2 } });
    await shop.withServiceDown('cart', async () => {
      const down = await call('GET', '/api/cart', { token: ada.token });
      expectProblem(down, 503);
      expect(down.body.detail).toMatch(/cart/);
    });
    const cart = await call('GET', '/api/cart', { token: ada.token });
    expect(cart.status).toBe(200);
    expect(cart.body.items.map((line: Body) => [line.product_id, line.quantity])).toEqual([[catalog.jar, 2]]);
    expect((await call('GET', `/api/orders/${adaOrderId}`, { token: ada.token })).body.status).toBe('shipped');
    // Ada's token from before still works: the signing keys are kept.
    const placed = await call('POST', '/api/orders', {
      token: ada.token,
      body: { from_cart: true },
      headers: { 'idempotency-key': `ada-after-${run}` },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body.total_cents).toBe(1598);
  }, 120_000);
});
