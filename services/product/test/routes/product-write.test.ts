import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestProduct, createCategory, createProduct, type TestProduct } from '../helpers.ts';
import { expectProblem, getProduct, ids, PRODUCT_FIELDS, type ProductJson, stockOf, unique } from './support.ts';

describe.each(databaseTargets())('product endpoints on $name', (target) => {
  let product: TestProduct;
  let category: number;
  let otherCategory: number;

  beforeAll(async () => {
    product = await buildTestProduct(target);
    category = await createCategory(product.app, product.tokens.admin, unique('Pantry'));
    otherCategory = await createCategory(product.app, product.tokens.admin, unique('Cellar'));
  });
  afterAll(() => product.close());

  const admin = () => bearer(product.tokens.admin);
  const customer = () => bearer(product.tokens.customer);
  const make = (fields: Partial<ProductJson> = {}) =>
    createProduct(product.app, product.tokens.admin, { name: unique('Olive oil'), category_id: category, ...fields });
  const post = (payload: unknown, headers = admin()) =>
    product.app.inject({ method: 'POST', url: '/api/products', headers, payload: payload as object });
  const patch = (id: number, payload: unknown, headers = admin()) =>
    product.app.inject({ method: 'PATCH', url: `/api/products/${id}`, headers, payload: payload as object });
  const remove = (id: number, headers = admin()) =>
    product.app.inject({ method: 'DELETE', url: `/api/products/${id}`, headers });
  const adjust = (id: number, payload: unknown, headers = admin()) =>
    product.app.inject({ method: 'POST', url: `/api/products/${id}/stock`, headers, payload: payload as object });
  const valid = () => ({
    name: unique('Pasta'),
    description: 'Durum wheat.',
    price_cents: 199,
    stock: 12,
    category_id: category,
  });

  describe('GET /api/products/{id}', () => {
    it('when the product exists, then exactly the documented fields, currency EUR and image_url null', async () => {
      const created = await make({ description: 'Extra virgin.', price_cents: 1099, stock: 5 });
      const response = await getProduct(product.app, created.id);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(PRODUCT_FIELDS);
      expect(body).toEqual({
        id: created.id,
        name: created.name,
        description: 'Extra virgin.',
        price_cents: 1099,
        currency: 'EUR',
        stock: 5,
        category_id: category,
        image_url: null,
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/),
        updated_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/),
      });
      expect(response.headers['x-request-id']).toBeTruthy();
    });

    it('when no product has the id, then 404 problem', async () => {
      expectProblem(await getProduct(product.app, 2_147_483_647), 404);
    });

    it('when the id is not a positive 32-bit integer, then 400', async () => {
      for (const id of ['abc', '0', '-1', '1.5', '2147483648', '99999999999999999999']) {
        expectProblem(await product.app.inject({ method: 'GET', url: `/api/products/${id}` }), 400);
      }
    });

    it('when the client sends x-request-id, then the response echoes it', async () => {
      const created = await make();
      const response = await product.app.inject({
        method: 'GET',
        url: `/api/products/${created.id}`,
        headers: { 'x-request-id': 'trace-123' },
      });
      expect(response.headers['x-request-id']).toBe('trace-123');
    });
  });

  describe('POST /api/products', () => {
    it('when an admin posts a valid product, then 201 with the product as GET returns it', async () => {
      const input = valid();
      const response = await post(input);
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body).toMatchObject({ ...input, currency: 'EUR', image_url: null });
      expect(body.id).toBeGreaterThan(0);
      expect(body.created_at).toBe(body.updated_at);
      expect((await getProduct(product.app, body.id)).json()).toEqual(body);
    });

    it('when price and stock are 0, then 201 (both may be zero)', async () => {
      const response = await post({ ...valid(), price_cents: 0, stock: 0 });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ price_cents: 0, stock: 0 });
    });

    it('when the name has spaces around it, then it is stored trimmed', async () => {
      const name = unique('Rice');
      const response = await post({ ...valid(), name: `  ${name}\t` });
      expect(response.statusCode).toBe(201);
      expect(response.json().name).toBe(name);
    });

    it('when price_cents is -1, then 400 naming price_cents', async () => {
      const body = expectProblem(await post({ ...valid(), price_cents: -1 }), 400);
      expect(body.errors).toContainEqual({ field: 'price_cents', message: expect.any(String) });
    });

    it('when price_cents passes its ceiling (100,000,000) or int4, then 400 naming price_cents on create and update; at the ceiling it is kept', async () => {
      for (const price of [100_000_001, 2_147_483_648, Number.MAX_SAFE_INTEGER]) {
        const body = expectProblem(await post({ ...valid(), price_cents: price }), 400);
        expect(body.errors).toContainEqual({ field: 'price_cents', message: expect.any(String) });
      }
      const created = await make({ price_cents: 100_000_000 });
      expect(created.price_cents).toBe(100_000_000);
      const body = expectProblem(await patch(created.id, { price_cents: 2_147_483_648 }), 400);
      expect(body.errors).toContainEqual({ field: 'price_cents', message: expect.any(String) });
      expect((await getProduct(product.app, created.id)).json().price_cents).toBe(100_000_000);
    });

    it('when price_cents is the string "5", then 400 (never coerced)', async () => {
      const body = expectProblem(await post({ ...valid(), price_cents: '5' }), 400);
      expect(body.errors).toContainEqual({ field: 'price_cents', message: expect.any(String) });
    });

    it('when a number is fractional or stock is negative, then 400', async () => {
      expectProblem(await post({ ...valid(), price_cents: 1.5 }), 400);
      expectProblem(await post({ ...valid(), stock: -1 }), 400);
      expectProblem(await post({ ...valid(), stock: '3' }), 400);
      expectProblem(await post({ ...valid(), category_id: String(category) }), 400);
    });

    it('when the body has an unknown field, then 400 naming it', async () => {
      const body = expectProblem(await post({ ...valid(), colour: 'green' }), 400);
      expect(body.errors).toContainEqual({ field: 'colour', message: 'is not a known field' });
    });

    it('when a field is missing, then 400 naming it', async () => {
      const { description: _, ...withoutDescription } = valid();
      const body = expectProblem(await post(withoutDescription), 400);
      expect(body.errors).toContainEqual({ field: 'description', message: 'is required' });
    });

    it('when the name is blank, then 422; when empty, then 400', async () => {
      expectProblem(await post({ ...valid(), name: '   ' }), 422);
      expectProblem(await post({ ...valid(), name: '' }), 400);
    });

    it('when the category does not exist, then 422 naming category_id and nothing is created', async () => {
      const name = unique('Orphan');
      const body = expectProblem(await post({ ...valid(), name, category_id: 2_147_483_647 }), 422);
      expect(body.errors).toEqual([{ field: 'category_id', message: expect.any(String) }]);
      const search = await product.app.inject({ method: 'GET', url: `/api/products?q=${encodeURIComponent(name)}` });
      expect(ids(search)).toEqual([]);
    });

    it('when a customer posts, then 403', async () => {
      expectProblem(await post(valid(), customer()), 403);
    });

    it('when there is no token, then 401 with WWW-Authenticate: Bearer', async () => {
      const response = await post(valid(), {} as ReturnType<typeof admin>);
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
    });
  });

  describe('PATCH /api/products/{id}', () => {
    it('when one field is sent, then only it changes and updated_at moves forward', async () => {
      const created = await make({ description: 'Before', price_cents: 300, stock: 4 });
      const before = (await getProduct(product.app, created.id)).json();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const response = await patch(created.id, { price_cents: 350 });
      expect(response.statusCode).toBe(200);
      const after = response.json();
      expect(after).toEqual({ ...before, price_cents: 350, updated_at: expect.any(String) });
      expect(Date.parse(after.updated_at)).toBeGreaterThan(Date.parse(before.updated_at));
      expect(after.created_at).toBe(before.created_at);
      expect((await getProduct(product.app, created.id)).json()).toEqual(after);
    });

    it('when every field is sent, then every field changes', async () => {
      const created = await make();
      const changes = {
        name: unique('Renamed'),
        description: 'After',
        price_cents: 1,
        stock: 0,
        category_id: otherCategory,
      };
      const response = await patch(created.id, changes);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: created.id, ...changes });
    });

    it('when the body is {}, then 400', async () => {
      const created = await make();
      expectProblem(await patch(created.id, {}), 400);
    });

    it('when a field has the wrong type or is unknown, then 400 and nothing changes', async () => {
      const created = await make({ price_cents: 700 });
      expectProblem(await patch(created.id, { price_cents: '800' }), 400);
      expectProblem(await patch(created.id, { price_cents: 800, archived: true }), 400);
      expectProblem(await patch(created.id, { name: null }), 400);
      expect((await getProduct(product.app, created.id)).json().price_cents).toBe(700);
    });

    it('when the product does not exist, then 404', async () => {
      expectProblem(await patch(2_147_483_647, { price_cents: 5 }), 404);
    });

    it('when the category does not exist, then 422 and the product keeps its category', async () => {
      const created = await make();
      const body = expectProblem(await patch(created.id, { category_id: 2_147_483_646 }), 422);
      expect(body.errors).toEqual([{ field: 'category_id', message: expect.any(String) }]);
      expect((await getProduct(product.app, created.id)).json().category_id).toBe(category);
    });

    it('when the name is blank, then 422', async () => {
      const created = await make();
      expectProblem(await patch(created.id, { name: '  ' }), 422);
    });

    it('when a customer patches, then 403 and nothing changes', async () => {
      const created = await make({ price_cents: 100 });
      expectProblem(await patch(created.id, { price_cents: 1 }, customer()), 403);
      expect((await getProduct(product.app, created.id)).json().price_cents).toBe(100);
    });
  });

  describe('DELETE /api/products/{id}', () => {
    it('when an admin deletes, then 204 with no body, then GET 404 and a second DELETE 404', async () => {
      const created = await make();
      const response = await remove(created.id);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expectProblem(await getProduct(product.app, created.id), 404);
      expectProblem(await remove(created.id), 404);
    });

    it('when a product is archived, then it vanishes from lists and search', async () => {
      const tagged = await createCategory(product.app, product.tokens.admin, unique('Archive'));
      const kept = await make({ category_id: tagged, name: 'Kept quinoa' });
      const gone = await make({ category_id: tagged, name: 'Gone quinoa' });
      expect(ids(await product.app.inject({ method: 'GET', url: `/api/products?category=${tagged}` }))).toEqual([
        gone.id,
        kept.id,
      ]);
      expect((await remove(gone.id)).statusCode).toBe(204);
      for (const query of [`category=${tagged}`, `category=${tagged}&q=quinoa`, `category=${tagged}&sort=price`]) {
        expect(ids(await product.app.inject({ method: 'GET', url: `/api/products?${query}` }))).toEqual([kept.id]);
      }
    });

    it('when a product is archived, then the order service still reads it with archived: true', async () => {
      const created = await make({ price_cents: 4321 });
      const live = await product.app.inject({
        method: 'GET',
        url: `/internal/products/${created.id}`,
        headers: bearer(product.tokens.orderService),
      });
      expect(live.statusCode).toBe(200);
      expect(live.json()).toMatchObject({ id: created.id, archived: false });
      expect((await remove(created.id)).statusCode).toBe(204);
      const archived = await product.app.inject({
        method: 'GET',
        url: `/internal/products/${created.id}`,
        headers: bearer(product.tokens.orderService),
      });
      expect(archived.statusCode).toBe(200);
      expect(archived.json()).toMatchObject({
        id: created.id,
        name: created.name,
        price_cents: 4321,
        currency: 'EUR',
        archived: true,
      });
      expect(Object.keys(archived.json()).sort()).toEqual([...PRODUCT_FIELDS, 'archived'].sort());
    });

    it('when /internal/products is asked by a customer, an admin or nobody, then 403, 403, 401', async () => {
      const created = await make();
      const url = `/internal/products/${created.id}`;
      expectProblem(await product.app.inject({ method: 'GET', url, headers: customer() }), 403);
      expectProblem(await product.app.inject({ method: 'GET', url, headers: admin() }), 403);
      expectProblem(await product.app.inject({ method: 'GET', url }), 401);
      const unknown = await product.app.inject({
        method: 'GET',
        url: '/internal/products/2147483647',
        headers: bearer(product.tokens.orderService),
      });
      expectProblem(unknown, 404);
    });

    it('when an archived product is patched or restocked, then 404', async () => {
      const created = await make();
      expect((await remove(created.id)).statusCode).toBe(204);
      expectProblem(await patch(created.id, { price_cents: 1 }), 404);
      expectProblem(await adjust(created.id, { delta: 1 }), 404);
    });

    it('when a customer deletes, then 403 and the product stays', async () => {
      const created = await make();
      expectProblem(await remove(created.id, customer()), 403);
      expect((await getProduct(product.app, created.id)).statusCode).toBe(200);
    });

    it('when the product never existed, then 404', async () => {
      expectProblem(await remove(2_147_483_647), 404);
    });
  });

  describe('POST /api/products/{id}/stock', () => {
    it('when delta is +5 then -3, then 200 with the new stock each time', async () => {
      const created = await make({ stock: 10 });
      const up = await adjust(created.id, { delta: 5 });
      expect(up.statusCode).toBe(200);
      expect(up.json()).toMatchObject({ id: created.id, stock: 15 });
      const down = await adjust(created.id, { delta: -3 });
      expect(down.statusCode).toBe(200);
      expect(down.json().stock).toBe(12);
      expect(await stockOf(product.app, created.id)).toBe(12);
    });

    it('when the delta takes the stock to exactly 0, then 200 with stock 0', async () => {
      const created = await make({ stock: 4 });
      const response = await adjust(created.id, { delta: -4 });
      expect(response.statusCode).toBe(200);
      expect(response.json().stock).toBe(0);
    });

    it('when the delta would go below zero, then 409 and the stock is unchanged', async () => {
      const created = await make({ stock: 2 });
      const body = expectProblem(await adjust(created.id, { delta: -3 }), 409);
      expect(body.errors).toEqual([{ field: 'delta', message: expect.stringContaining('-2') }]);
      expect(await stockOf(product.app, created.id)).toBe(2);
    });

    it('when the delta would pass the largest storable stock, then 409, not a 500', async () => {
      const created = await make({ stock: 1_000_000_000 });
      expect((await adjust(created.id, { delta: 1_000_000_000 })).statusCode).toBe(200);
      expectProblem(await adjust(created.id, { delta: 1_000_000_000 }), 409);
      expect(await stockOf(product.app, created.id)).toBe(2_000_000_000);
    });

    it('when the delta is not an integer, then 400', async () => {
      const created = await make();
      for (const payload of [{ delta: '5' }, { delta: 1.5 }, {}, { delta: 1, extra: 1 }, { delta: 2_000_000_000 }]) {
        expectProblem(await adjust(created.id, payload), 400);
      }
    });

    it('when the product does not exist, then 404', async () => {
      expectProblem(await adjust(2_147_483_647, { delta: 1 }), 404);
    });

    it('when a customer adjusts, then 403 (inventory:write needed) and the stock is unchanged', async () => {
      const created = await make({ stock: 7 });
      expectProblem(await adjust(created.id, { delta: 1 }, customer()), 403);
      const writerOnly = await product.tokens.sign({ sub: '5', scope: 'product:write' });
      expectProblem(await adjust(created.id, { delta: 1 }, bearer(writerOnly)), 403);
      const inventoryOnly = await product.tokens.sign({ sub: '6', scope: 'inventory:write' });
      expect((await adjust(created.id, { delta: 1 }, bearer(inventoryOnly))).statusCode).toBe(200);
      expect(await stockOf(product.app, created.id)).toBe(8);
    });
  });
});
