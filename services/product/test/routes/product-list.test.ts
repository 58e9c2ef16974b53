import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestProduct, createCategory, createProduct, type TestProduct } from '../helpers.ts';
import { decodeCursor, encodeCursor, expectProblem, ids, PRODUCT_FIELDS, unique } from './support.ts';

describe.each(databaseTargets())('GET /api/products on $name', (target) => {
  let product: TestProduct;
  /** Fruit: four products in one category, one more (at 500, like apple) in another. */
  let fruit: number;
  let berries: number;
  let apple: number;
  let banana: number;
  let cherry: number;
  let damson: number;
  let elder: number;
  /** Fish: for full-text search. */
  let fish: number;
  let salmon: number;
  let bagel: number;
  let trout: number;

  beforeAll(async () => {
    product = await buildTestProduct(target);
    const { app, tokens } = product;
    const tag = unique('').trim();
    fruit = await createCategory(app, tokens.admin, unique('Fruit'));
    berries = await createCategory(app, tokens.admin, unique('Berries'));
    fish = await createCategory(app, tokens.admin, unique('Fish'));
    const make = async (name: string, price: number, stock: number, category: number, description = '') =>
      (await createProduct(app, tokens.admin, { name, price_cents: price, stock, category_id: category, description }))
        .id;
    apple = await make(`Apple ${tag}`, 500, 0, fruit);
    banana = await make(`Banana ${tag}`, 250, 3, fruit);
    cherry = await make(`Cherry ${tag}`, 900, 7, fruit);
    damson = await make(`Damson ${tag}`, 499, 1, fruit);
    elder = await make(`Elderberry ${tag}`, 500, 2, berries);
    // Created in this order so that "newest" and "relevance" disagree.
    salmon = await make('Smoked salmon', 1299, 4, fish, 'Cold-smoked Atlantic fillet.');
    bagel = await make('Bagel', 450, 9, fish, 'A bagel with cream cheese and salmon.');
    trout = await make('Rainbow trout', 899, 0, fish, 'Whole fish, cleaned.');
  });
  afterAll(() => product.close());

  const list = (query: string) => product.app.inject({ method: 'GET', url: `/api/products?${query}` });

  describe('filters', () => {
    it('when filtered by one category, then only its products, newest first by default', async () => {
      const response = await list(`category=${fruit}`);
      expect(response.statusCode).toBe(200);
      expect(ids(response)).toEqual([damson, cherry, banana, apple]);
      expect(response.json().next_cursor).toBeNull();
    });

    it('when filtered by a comma list of categories, then the products of each', async () => {
      expect(ids(await list(`category=${fruit},${berries}`))).toEqual([elder, damson, cherry, banana, apple]);
    });

    it('when a category in the list does not exist, then the others still match', async () => {
      expect(ids(await list(`category=${berries},2147483647`))).toEqual([elder]);
    });

    it('when min_price_cents=500, then 500 is included and 499 is not', async () => {
      const response = await list(`category=${fruit},${berries}&min_price_cents=500&sort=price`);
      expect(ids(response)).toEqual([apple, elder, cherry]);
    });

    it('when max_price_cents=499, then 499 is included and 500 is not', async () => {
      expect(ids(await list(`category=${fruit},${berries}&max_price_cents=499&sort=price`))).toEqual([banana, damson]);
    });

    it('when min and max are both 500, then exactly the products at 500', async () => {
      expect(ids(await list(`category=${fruit},${berries}&min_price_cents=500&max_price_cents=500`))).toEqual([
        elder,
        apple,
      ]);
    });

    it('when min is above max, then an empty list, not an error', async () => {
      const response = await list(`category=${fruit}&min_price_cents=600&max_price_cents=100`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ items: [], next_cursor: null });
    });

    it('when in_stock=true, then products with stock 0 are left out', async () => {
      expect(ids(await list(`category=${fruit}&in_stock=true`))).toEqual([damson, cherry, banana]);
    });

    it('when filters combine, then every one applies', async () => {
      const response = await list(`category=${fruit},${fish}&in_stock=true&min_price_cents=450&max_price_cents=900`);
      expect(ids(response).sort()).toEqual([bagel, cherry, damson].sort());
    });

    it('when listed, then each item has exactly the product fields, with currency EUR', async () => {
      const items = (await list(`category=${fruit}`)).json().items;
      expect(items).toHaveLength(4);
      for (const item of items) {
        expect(Object.keys(item).sort()).toEqual(PRODUCT_FIELDS);
        expect(item.currency).toBe('EUR');
        expect(item.image_url).toBeNull();
      }
      expect(items.find((item: { id: number }) => item.id === apple)).toMatchObject({
        price_cents: 500,
        stock: 0,
        category_id: fruit,
      });
    });
  });

  describe('sorts', () => {
    it.each([
      ['name', () => [apple, banana, cherry, damson]],
      ['-name', () => [damson, cherry, banana, apple]],
      ['price', () => [banana, damson, apple, cherry]],
      ['-price', () => [cherry, apple, damson, banana]],
      ['newest', () => [damson, cherry, banana, apple]],
    ])('when sort=%s, then the products come in that order', async (sort, expected) => {
      const response = await list(`category=${fruit}&sort=${sort}`);
      expect(response.statusCode).toBe(200);
      expect(ids(response)).toEqual(expected());
    });

    it('when two products share a price, then the lower id comes first (price) or last (-price)', async () => {
      const both = `category=${fruit},${berries}&min_price_cents=500&max_price_cents=500`;
      expect(ids(await list(`${both}&sort=price`))).toEqual([apple, elder]);
      expect(ids(await list(`${both}&sort=-price`))).toEqual([elder, apple]);
    });

    it('when sort is unknown, then 400 naming sort', async () => {
      for (const sort of ['popularity', 'Name', 'price,name', '', 'relevance ']) {
        const body = expectProblem(await list(`category=${fruit}&sort=${encodeURIComponent(sort)}`), 400);
        expect(body.errors?.some((error) => String(error.field).startsWith('sort'))).toBe(true);
      }
    });

    it('when sort=relevance without q, then 400', async () => {
      expectProblem(await list('sort=relevance'), 400);
      expectProblem(await list('sort=relevance&q=%20%20'), 400);
    });
  });

  describe('full-text search', () => {
    it('when q is a plural ("salmons"), then stemming finds "salmon"', async () => {
      const response = await list(`category=${fish}&q=salmons`);
      expect(response.statusCode).toBe(200);
      expect(ids(response)).toContain(salmon);
    });

    it('when q matches only a description, then that product is found too', async () => {
      expect(ids(await list(`category=${fish}&q=cream`))).toEqual([bagel]);
    });

    it('when q matches a name and another description, then the name match ranks first by default', async () => {
      // Bagel is newer: under "newest" it would come first.
      expect(ids(await list(`category=${fish}&q=salmon&sort=newest`))).toEqual([bagel, salmon]);
      expect(ids(await list(`category=${fish}&q=salmon`))).toEqual([salmon, bagel]);
      expect(ids(await list(`category=${fish}&q=salmon&sort=relevance`))).toEqual([salmon, bagel]);
    });

    it('when q has two words, then both must match', async () => {
      expect(ids(await list(`category=${fish}&q=${encodeURIComponent('smoked salmon')}`))).toEqual([salmon]);
    });

    it('when q excludes a word (web search syntax), then products with it are left out', async () => {
      expect(ids(await list(`category=${fish}&q=${encodeURIComponent('salmon -smoked')}`))).toEqual([bagel]);
    });

    it('when q is combined with another sort and in_stock, then both apply', async () => {
      expect(ids(await list(`category=${fish}&q=fish`))).toEqual([trout]);
      expect(ids(await list(`category=${fish}&q=fish&in_stock=true`))).toEqual([]);
      expect(ids(await list(`category=${fish}&q=salmon&sort=price`))).toEqual([bagel, salmon]);
    });

    it('when q matches nothing or only stop words, then an empty list', async () => {
      expect((await list(`category=${fish}&q=zzzqqq`)).json()).toEqual({ items: [], next_cursor: null });
      expect((await list(`category=${fish}&q=the`)).json()).toEqual({ items: [], next_cursor: null });
    });

    it('when q holds query-syntax characters, then 200, never an error', async () => {
      for (const q of ["salmon'", 'a & b | !c', '(salmon', 'salmon:*', '"unclosed', '<->', '\\']) {
        const response = await list(`category=${fish}&q=${encodeURIComponent(q)}`);
        expect(response.statusCode, q).toBe(200);
      }
      expect(ids(await list(`category=${fish}&q=${encodeURIComponent("salmon'")}`))).toContain(salmon);
    });

    it('when q is over 200 characters, then 400', async () => {
      expectProblem(await list(`q=${'a'.repeat(201)}`), 400);
    });

    it('when the trout is searched by its description word "cleaned", then it is found even out of stock', async () => {
      expect(ids(await list(`category=${fish}&q=cleaned`))).toEqual([trout]);
    });
  });

  describe('pagination', () => {
    it('when paged by 2 with sort=price, then pages follow on with nothing missed or repeated', async () => {
      const first = await list(`category=${fruit}&sort=price&limit=2`);
      expect(ids(first)).toEqual([banana, damson]);
      const cursor = first.json().next_cursor;
      expect(typeof cursor).toBe('string');
      const second = await list(`category=${fruit}&sort=price&limit=2&cursor=${cursor}`);
      expect(ids(second)).toEqual([apple, cherry]);
      expect(second.json().next_cursor).toBeNull();
    });

    it('when paged by 1 under every sort, then the pages add up to the whole list', async () => {
      for (const sort of ['newest', 'name', '-name', 'price', '-price']) {
        const whole = ids(await list(`category=${fruit},${berries}&sort=${sort}`));
        const paged: number[] = [];
        let cursor: string | null = null;
        do {
          const response = await list(
            `category=${fruit},${berries}&sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          );
          expect(response.statusCode).toBe(200);
          paged.push(...ids(response));
          cursor = response.json().next_cursor;
        } while (cursor && paged.length <= whole.length);
        expect(paged, sort).toEqual(whole);
      }
    });

    it('when paged by 1 by relevance, then the pages add up to the ranked list', async () => {
      const first = await list(`category=${fish}&q=salmon&limit=1`);
      expect(ids(first)).toEqual([salmon]);
      const second = await list(`category=${fish}&q=salmon&limit=1&cursor=${first.json().next_cursor}`);
      expect(ids(second)).toEqual([bagel]);
      expect(second.json().next_cursor).toBeNull();
    });

    it('when a cursor from one sort is used with another, then 400 naming the cursor', async () => {
      const byPrice = (await list(`category=${fruit}&sort=price&limit=1`)).json().next_cursor;
      const byNewest = (await list(`category=${fruit}&limit=1`)).json().next_cursor;
      for (const query of [
        `sort=name&cursor=${byPrice}`,
        `sort=-price&cursor=${byPrice}`,
        `sort=price&cursor=${byNewest}`,
      ]) {
        const body = expectProblem(await list(`category=${fruit}&${query}`), 400);
        expect(body.errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
      }
    });

    it('when a cursor is tampered with, then 400 (never a 500)', async () => {
      const real = (await list(`category=${fruit}&sort=price&limit=1`)).json().next_cursor as string;
      const body = decodeCursor(real);
      expect(body).toMatchObject({ s: 'price' });
      const tampered = [
        'garbage!',
        real.slice(0, 10),
        encodeCursor({ ...body, v: 'cheap' }),
        encodeCursor({ ...body, v: '9999999999' }),
        encodeCursor({ ...body, i: 0 }),
        encodeCursor({ ...body, i: 2 ** 53 - 1 }),
        encodeCursor({ ...body, i: '1' }),
        encodeCursor({ ...body, v: 5 }),
        encodeCursor({ s: 'price' }),
        encodeCursor('price'),
      ];
      for (const cursor of tampered) {
        expectProblem(await list(`category=${fruit}&sort=price&cursor=${encodeURIComponent(cursor)}`), 400);
      }
    });

    it('when a newest or relevance cursor carries an impossible value, then 400 (never a 500)', async () => {
      const newest = [
        '2024-02-30 10:00:00+00',
        '2024-13-01 10:00:00+00',
        '2024-01-01 25:00:00+00',
        '0000-01-01 10:00:00+00',
        '2024-01-01 10:00:00+99',
        'yesterday',
      ];
      for (const v of newest) {
        expectProblem(await list(`cursor=${encodeCursor({ s: 'newest', v, i: 1 })}`), 400);
      }
      for (const v of ['1e999', '1e-60', 'NaN', 'high']) {
        expectProblem(await list(`q=salmon&cursor=${encodeCursor({ s: 'relevance', v, i: 1 })}`), 400);
      }
      // A well-formed position that no page ended on is still a valid place to continue from.
      const valid = await list(
        `category=${fruit}&cursor=${encodeCursor({ s: 'newest', v: '2000-02-29 12:00:00+00', i: 1 })}`,
      );
      expect(valid.statusCode).toBe(200);
      expect(valid.json().items).toEqual([]);
    });

    it('when limit is 0, 101 or not an integer, then 400', async () => {
      for (const limit of ['0', '101', 'x', '2.5', '-1']) expectProblem(await list(`limit=${limit}`), 400);
    });

    it('when limit is 100, then 200', async () => {
      expect((await list('limit=100')).statusCode).toBe(200);
    });
  });

  describe('bad query parameters', () => {
    it('when in_stock=yes, then 400 naming in_stock', async () => {
      const body = expectProblem(await list('in_stock=yes'), 400);
      expect(body.errors?.[0]?.field).toBe('in_stock');
    });

    it('when the category list is malformed, then 400', async () => {
      const bad = [
        'abc',
        '1,,2',
        '1,',
        ',1',
        '1;2',
        '-1',
        '1.5',
        '',
        Array.from({ length: 51 }, (_, i) => i + 1).join(','),
      ];
      for (const category of bad) {
        expectProblem(await list(`category=${encodeURIComponent(category)}`), 400);
      }
    });

    it('when a price bound is negative or not a number, then 400', async () => {
      for (const query of ['min_price_cents=-1', 'max_price_cents=abc', 'min_price_cents=1.5', 'max_price_cents=']) {
        expectProblem(await list(query), 400);
      }
    });

    it('when HEAD is sent, then 200 without a body', async () => {
      const response = await product.app.inject({ method: 'HEAD', url: `/api/products?category=${fruit}` });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('');
    });
  });
});
