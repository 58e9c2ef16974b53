import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestProduct, createCategory, type TestProduct } from '../helpers.ts';
import { encodeCursor, expectProblem, unique } from './support.ts';

describe.each(databaseTargets())('categories on $name', (target) => {
  let product: TestProduct;
  beforeAll(async () => {
    product = await buildTestProduct(target);
  });
  afterAll(() => product.close());

  const post = (payload: unknown, headers: Record<string, string> = bearer(product.tokens.admin)) =>
    product.app.inject({ method: 'POST', url: '/api/categories', headers, payload: payload as object });

  describe('POST /api/categories', () => {
    it('when an admin posts a name, then 201 with id, the trimmed name and a URL-safe slug', async () => {
      const name = unique('Frozen & Chilled');
      const response = await post({ name: `  ${name}  ` });
      expect(response.statusCode).toBe(201);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(['id', 'name', 'slug']);
      expect(body.id).toBeGreaterThan(0);
      expect(body.name).toBe(name);
      expect(body.slug).toBe(name.toLowerCase().replace(/[^a-z0-9]+/g, '-'));
      expect(body.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    });

    it('when the name has accents, then the slug keeps the letters without them', async () => {
      const suffix = unique('x').slice(2);
      const response = await post({ name: `Crème Brûlée ${suffix}` });
      expect(response.statusCode).toBe(201);
      expect(response.json().slug).toBe(`creme-brulee-${suffix}`);
    });

    it('when the name exists already, then 409 problem and no second category', async () => {
      const name = unique('Dairy');
      const first = await post({ name });
      expect(first.statusCode).toBe(201);
      const again = await post({ name });
      expectProblem(again, 409);
      const all = await allCategories();
      expect(all.filter((category) => category.name === name)).toHaveLength(1);
    });

    it('when another name gives the same slug, then 409', async () => {
      const name = unique('Fruit');
      expect((await post({ name })).statusCode).toBe(201);
      expectProblem(await post({ name: name.toUpperCase() }), 409);
    });

    it('when the name is blank (spaces only), then 422 with errors naming the field', async () => {
      const body = expectProblem(await post({ name: '   ' }), 422);
      expect(body.errors).toEqual([{ field: 'name', message: expect.any(String) }]);
    });

    it('when the name is empty, then 400', async () => {
      expectProblem(await post({ name: '' }), 400);
    });

    it('when the name is missing, not a string or over 100 characters, then 400', async () => {
      expectProblem(await post({}), 400);
      expectProblem(await post({ name: 42 }), 400);
      expectProblem(await post({ name: 'x'.repeat(101) }), 400);
    });

    it('when the body has an unknown field, then 400 naming it', async () => {
      const body = expectProblem(await post({ name: unique('Bakery'), colour: 'red' }), 400);
      expect(body.errors).toContainEqual({ field: 'colour', message: 'is not a known field' });
    });

    it('when a customer posts, then 403 and nothing is created', async () => {
      const name = unique('Forbidden');
      expectProblem(await post({ name }, bearer(product.tokens.customer)), 403);
      expect((await allCategories()).some((category) => category.name === name)).toBe(false);
    });

    it('when there is no token, then 401 with WWW-Authenticate: Bearer', async () => {
      const response = await post({ name: unique('Anonymous') }, {});
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
    });

    it('when the token is garbage, then 401 with WWW-Authenticate: Bearer', async () => {
      const response = await post({ name: unique('Garbage') }, { authorization: 'Bearer not.a.jwt' });
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer\b.*invalid_token/);
    });

    it('when the scheme is not Bearer, then 401', async () => {
      const response = await post({ name: unique('Basic') }, { authorization: 'Basic YWRtaW46YWRtaW4=' });
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
    });

    it('when the token has expired, then 401', async () => {
      const expired = await product.tokens.sign({ sub: '1', scope: 'product:write' }, '-1m');
      expectProblem(await post({ name: unique('Expired') }, bearer(expired)), 401);
    });

    it('when a token carries only product:write, then it may create', async () => {
      const writer = await product.tokens.sign({ sub: '9', scope: 'product:write' });
      expect((await post({ name: unique('Writer') }, bearer(writer))).statusCode).toBe(201);
    });
  });

  describe('GET /api/categories', () => {
    it('when listed without a token, then 200 with items of {id, name, slug} and next_cursor', async () => {
      const id = await createCategory(product.app, product.tokens.admin, unique('Listed'));
      const response = await product.app.inject({ method: 'GET', url: '/api/categories?limit=100' });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(['items', 'next_cursor']);
      const all = await allCategories();
      const found = all.find((category) => category.id === id);
      expect(found && Object.keys(found).sort()).toEqual(['id', 'name', 'slug']);
    });

    it('when paged with limit=2, then every category appears once, in id order, pages of at most 2', async () => {
      const created = [];
      for (let index = 0; index < 5; index++) {
        created.push(await createCategory(product.app, product.tokens.admin, unique(`Paged ${index}`)));
      }
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/categories?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const response = await product.app.inject({ method: 'GET', url });
        expect(response.statusCode).toBe(200);
        const body = response.json();
        expect(body.items.length).toBeLessThanOrEqual(2);
        if (body.next_cursor !== null) expect(body.items).toHaveLength(2);
        seen.push(...body.items.map((item: { id: number }) => item.id));
        cursor = body.next_cursor;
        pages++;
      } while (cursor && pages < 100);
      expect(cursor).toBeNull();
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      for (const id of created) expect(seen).toContain(id);
      expect(pages).toBeGreaterThanOrEqual(3);
    });

    it('when the list fits in one page, then next_cursor is null', async () => {
      const response = await product.app.inject({ method: 'GET', url: '/api/categories?limit=100' });
      expect(response.statusCode).toBe(200);
      expect(response.json().items.length).toBeLessThan(100);
      expect(response.json().next_cursor).toBeNull();
    });

    it('when limit is 0, 101 or not a number, then 400', async () => {
      for (const limit of ['0', '101', 'ten', '-1', '1.5']) {
        expectProblem(await product.app.inject({ method: 'GET', url: `/api/categories?limit=${limit}` }), 400);
      }
    });

    it('when the cursor is not one the list gave out, then 400 naming the cursor', async () => {
      for (const cursor of [
        'garbage',
        encodeCursor({ after: 'x' }),
        encodeCursor({ after: -4 }),
        encodeCursor({ after: 2 ** 53 - 1 }),
        encodeCursor([1]),
        encodeCursor({ s: 'newest', v: '2024-01-01', i: 1 }),
      ]) {
        const body = expectProblem(
          await product.app.inject({ method: 'GET', url: `/api/categories?cursor=${cursor}` }),
          400,
        );
        expect(body.errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
      }
    });

    it('when HEAD is sent, then 200 without a body', async () => {
      const response = await product.app.inject({ method: 'HEAD', url: '/api/categories' });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('');
    });
  });

  async function allCategories(): Promise<Array<{ id: number; name: string; slug: string }>> {
    const all = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/categories?limit=100${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await product.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      all.push(...response.json().items);
      cursor = response.json().next_cursor;
    } while (cursor);
    return all;
  }
});
