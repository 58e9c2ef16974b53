import { randomUUID } from 'node:crypto';
import { databaseTargets } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestProduct, createCategory, createProduct, type TestProduct } from '../helpers.ts';
import { expectProblem, getProduct, ids, unique } from './support.ts';

const SQLISH = [
  "Robert'); DROP TABLE product.products;--",
  "1' OR '1'='1",
  'x"; DELETE FROM product.categories; --',
  '$$; TRUNCATE product.outbox; $$',
  '\\x00 \\0 %00 %s %n',
];

describe.each(databaseTargets())('bad input on $name', (target) => {
  let product: TestProduct;
  let category: number;
  let existing: number;

  beforeAll(async () => {
    product = await buildTestProduct(target);
    category = await createCategory(product.app, product.tokens.admin, unique('Hardware'));
    existing = (
      await createProduct(product.app, product.tokens.admin, { name: unique('Hammer'), category_id: category })
    ).id;
  });
  afterAll(() => product.close());

  const admin = () => bearer(product.tokens.admin);
  const rawPost = (url: string, body: string, token = product.tokens.admin, contentType = 'application/json') =>
    product.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(token), 'content-type': contentType },
      payload: body,
    });
  const tableCount = async (table: 'products' | 'categories') => {
    const result = await product.database.db.execute(
      sql`select count(*)::int as n from ${sql.identifier('product')}.${sql.identifier(table)}`,
    );
    return Number((result as unknown as { rows: Array<{ n: number }> }).rows[0]?.n);
  };

  describe('malformed bodies', () => {
    it('when the JSON is malformed, then 400 problem, for every JSON endpoint', async () => {
      for (const url of ['/api/categories', '/api/products', `/api/products/${existing}/stock`]) {
        for (const body of ['{"name":', '{name: "x"}', "{'name':'x'}", '{"name":"x",}', 'NaN']) {
          expectProblem(await rawPost(url, body), 400);
        }
      }
      expectProblem(await rawPost('/internal/reservations', '{"order_ref":', product.tokens.orderService), 400);
    });

    it('when the body is JSON but not an object, then 400', async () => {
      for (const body of ['[]', '"name"', '42', 'null', 'true', '[{"name":"x"}]']) {
        expectProblem(await rawPost('/api/products', body), 400);
      }
    });

    it('when the body is empty with a JSON content type, or missing, then 400', async () => {
      expectProblem(await rawPost('/api/categories', ''), 400);
      expectProblem(await product.app.inject({ method: 'POST', url: '/api/categories', headers: admin() }), 400);
    });

    it('when the JSON is nested 10,000 deep, then 400 (never a 5xx) and the service still answers', async () => {
      const deepArray = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      for (const body of [
        `{"name":${deepArray}}`,
        deepObject,
        deepArray,
        `{"name":"x","description":"","price_cents":1,"stock":1,"category_id":${category},"extra":${deepObject}}`,
      ]) {
        expectProblem(await rawPost('/api/products', body), 400);
      }
      expectProblem(
        await rawPost(
          '/internal/reservations',
          `{"order_ref":"deep","items":${deepArray}}`,
          product.tokens.orderService,
        ),
        400,
      );
      expect((await getProduct(product.app, existing)).statusCode).toBe(200);
    });

    it('when a JSON body is 2 MiB, then 413 problem+json and nothing is stored', async () => {
      const before = await tableCount('products');
      const body = JSON.stringify({
        name: 'Huge',
        description: 'x'.repeat(2 * 1024 * 1024),
        price_cents: 1,
        stock: 1,
        category_id: category,
      });
      expectProblem(await rawPost('/api/products', body), 413);
      expectProblem(await rawPost('/api/categories', JSON.stringify({ name: 'y'.repeat(2 * 1024 * 1024) })), 413);
      expect(await tableCount('products')).toBe(before);
    });

    it('when a JSON endpoint gets text/plain, XML or a form, then 415', async () => {
      expectProblem(await rawPost('/api/categories', 'name=Tools', product.tokens.admin, 'text/plain'), 415);
      expectProblem(await rawPost('/api/products', 'x', product.tokens.admin, 'application/xml'), 415);
      const form = await rawPost(
        '/api/products',
        `name=Saw&description=&price_cents=5&stock=1&category_id=${category}`,
        product.tokens.admin,
        'application/x-www-form-urlencoded',
      );
      expectProblem(form, 415);
    });

    it('when a description is over 5,000 characters or a name over 200, then 400', async () => {
      const base = { description: '', price_cents: 1, stock: 1, category_id: category };
      const post = (payload: object) =>
        product.app.inject({ method: 'POST', url: '/api/products', headers: admin(), payload });
      expectProblem(await post({ ...base, name: 'x'.repeat(201) }), 400);
      expectProblem(await post({ ...base, name: unique('Long'), description: 'x'.repeat(5001) }), 400);
    });
  });

  describe('NUL characters', () => {
    it('when a product name or description holds NUL, then 400, not 500, on create and update', async () => {
      const base = { description: '', price_cents: 1, stock: 1, category_id: category };
      const post = (payload: object) =>
        product.app.inject({ method: 'POST', url: '/api/products', headers: admin(), payload });
      expectProblem(await post({ ...base, name: 'Nail\u0000polish' }), 400);
      expectProblem(await post({ ...base, name: unique('Nail'), description: 'a\u0000b' }), 400);
      const patch = await product.app.inject({
        method: 'PATCH',
        url: `/api/products/${existing}`,
        headers: admin(),
        payload: { name: '\u0000' },
      });
      expectProblem(patch, 400);
      expect((await getProduct(product.app, existing)).json().name).not.toContain('\u0000');
    });

    it('when a category name holds NUL, then 400', async () => {
      const response = await product.app.inject({
        method: 'POST',
        url: '/api/categories',
        headers: admin(),
        payload: { name: 'Too\u0000ls' },
      });
      expectProblem(response, 400);
    });

    it('when q or a cursor holds NUL, then 400, not 500', async () => {
      expectProblem(await product.app.inject({ method: 'GET', url: '/api/products?q=ham%00mer' }), 400);
      expectProblem(await product.app.inject({ method: 'GET', url: '/api/products?q=%00' }), 400);
      const cursor = Buffer.from(JSON.stringify({ s: 'name', v: 'a\u0000', i: 1 })).toString('base64url');
      expectProblem(await product.app.inject({ method: 'GET', url: `/api/products?sort=name&cursor=${cursor}` }), 400);
    });

    it('when an order_ref holds NUL, then 400 and no stock is taken', async () => {
      const item = await createProduct(product.app, product.tokens.admin, {
        name: unique('Screw'),
        stock: 5,
        category_id: category,
      });
      const response = await product.app.inject({
        method: 'POST',
        url: '/internal/reservations',
        headers: bearer(product.tokens.orderService),
        payload: { order_ref: 'o\u00001', items: [{ product_id: item.id, quantity: 1 }] },
      });
      expectProblem(response, 400);
      expect((await getProduct(product.app, item.id)).json().stock).toBe(5);
    });
  });

  describe('SQL-looking text', () => {
    it('when names and descriptions look like SQL, then they are stored and returned exactly', async () => {
      const before = await tableCount('products');
      for (const text of SQLISH) {
        const name = `${text} ${unique('')}`.trim();
        const created = await product.app.inject({
          method: 'POST',
          url: '/api/products',
          headers: admin(),
          payload: { name, description: text, price_cents: 1, stock: 1, category_id: category },
        });
        expect(created.statusCode, text).toBe(201);
        const body = (await getProduct(product.app, created.json().id)).json();
        expect(body.name).toBe(name);
        expect(body.description).toBe(text);
      }
      expect(await tableCount('products')).toBe(before + SQLISH.length);
    });

    it('when a category name looks like SQL, then it is stored exactly and the tables are still there', async () => {
      const name = `'; DROP TABLE product.categories; -- ${unique('')}`.trim();
      const response = await product.app.inject({
        method: 'POST',
        url: '/api/categories',
        headers: admin(),
        payload: { name },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json().name).toBe(name);
      expect(await tableCount('categories')).toBeGreaterThanOrEqual(2);
    });

    it('when q and filters look like SQL, then 200 or 400, the tables untouched', async () => {
      const before = await tableCount('products');
      for (const text of SQLISH) {
        const response = await product.app.inject({
          method: 'GET',
          url: `/api/products?q=${encodeURIComponent(text)}`,
        });
        expect(response.statusCode, text).toBe(200);
      }
      for (const query of ['category=1;DROP TABLE x', 'sort=name;--', 'min_price_cents=1 OR 1=1']) {
        expectProblem(await product.app.inject({ method: 'GET', url: `/api/products?${encodeURI(query)}` }), 400);
      }
      expect(await tableCount('products')).toBe(before);
      expect((await getProduct(product.app, existing)).statusCode).toBe(200);
    });

    it('when a category id is past the largest id, then 400 problem+json naming the category, not a database error', async () => {
      for (const query of [
        'category=2147483648',
        'category=9999999999',
        `category=${category},9999999999&sort=price`,
      ]) {
        const response = await product.app.inject({ method: 'GET', url: `/api/products?${query}` });
        expectProblem(response, 400);
        expect(response.json().errors, query).toEqual([expect.objectContaining({ field: 'category' })]);
      }
      const largest = await product.app.inject({ method: 'GET', url: '/api/products?category=2147483647' });
      expect(largest.statusCode).toBe(200);
      expect(largest.json().items).toEqual([]);
    });

    it('when a product whose name looks like SQL is searched for, then it is found', async () => {
      const word = unique('').trim();
      const created = await createProduct(product.app, product.tokens.admin, {
        name: `'; SELECT ${word} --`,
        category_id: category,
      });
      const response = await product.app.inject({ method: 'GET', url: `/api/products?q=${word}` });
      expect(ids(response)).toEqual([created.id]);
    });
  });

  describe('methods and content types', () => {
    const paths = () => [
      '/api/categories',
      '/api/products',
      `/api/products/${existing}`,
      `/api/products/${existing}/image`,
      `/api/products/${existing}/stock`,
      '/internal/reservations',
      `/internal/reservations/${randomUUID()}`,
      `/internal/reservations/${randomUUID()}/commit`,
      `/internal/products/${existing}`,
      '/api/products/not-a-number',
      '/no/such/route',
    ];

    it('when HEAD or OPTIONS is sent to any route, then never a 5xx, and errors are problem+json', async () => {
      for (const url of paths()) {
        for (const method of ['HEAD', 'OPTIONS'] as const) {
          const response = await product.app.inject({ method, url });
          expect(response.statusCode, `${method} ${url}`).toBeLessThan(500);
          if (response.statusCode >= 400) {
            expect(response.headers['content-type'], `${method} ${url}`).toMatch(/^application\/problem\+json/);
          }
        }
      }
    });

    it('when HEAD is sent where GET works, then the same status as GET', async () => {
      for (const url of ['/api/categories', '/api/products', `/api/products/${existing}`, '/api/products/2147483647']) {
        const get = await product.app.inject({ method: 'GET', url });
        const head = await product.app.inject({ method: 'HEAD', url });
        expect(head.statusCode, url).toBe(get.statusCode);
        expect(head.body).toBe('');
      }
    });

    it('when unknown or unrouted methods are sent, then a 4xx problem, never a 5xx', async () => {
      for (const url of paths()) {
        for (const method of ['PUT', 'PATCH', 'DELETE', 'TRACE', 'PROPFIND'] as const) {
          const response = await product.app.inject({ method, url, headers: admin() });
          expect(response.statusCode, `${method} ${url}`).toBeLessThan(500);
        }
      }
    });

    it('when any request fails, then the error is application/problem+json with status, title, type and detail', async () => {
      const failing = [
        product.app.inject({ method: 'GET', url: '/api/products?limit=0' }),
        product.app.inject({ method: 'GET', url: '/api/products/2147483647' }),
        product.app.inject({ method: 'POST', url: '/api/products', payload: {} }),
        product.app.inject({
          method: 'POST',
          url: '/api/products',
          headers: bearer(product.tokens.customer),
          payload: {},
        }),
        product.app.inject({ method: 'GET', url: '/nowhere' }),
        rawPost('/api/categories', '{'),
      ];
      const statuses = [];
      for (const response of await Promise.all(failing)) {
        statuses.push(response.statusCode);
        expectProblem(response, response.statusCode);
      }
      expect(statuses).toEqual([400, 404, 401, 403, 404, 400]);
    });
  });
});
