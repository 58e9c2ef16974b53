import { databaseTargets } from '@shop/platform/testing';
import { and, asc, desc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgCategoryStore } from '../../src/db/category-store.ts';
import { products } from '../../src/db/schema.ts';
import { PRODUCT_SORTS, type ProductSort } from '../../src/domain/listing.ts';
import { buildTestProduct, type TestProduct } from '../helpers.ts';
import { duplicates, walkProducts } from './support.ts';

const RUNS_PER_SORT = 15;

// Small pools, so equal names, equal prices and equal creation times are common: ties are
// where keyset pagination goes wrong.
const NAMES = ['Apple', 'apple', 'Äpfel', 'Zebra cake', 'crunchy bar', `O'Brien "Best" \\ Jam`, '🍎 Apple', 'Apple 2'];
const SUFFIXES = ['', '', '', ' 2', ' 10', ' b', ' B'];
const DESCRIPTIONS = ['', 'crunchy', 'crunchy and sweet, very crunchy', 'sweet', 'a sweet crunchy apple', 'plain'];
const QUERIES = ['crunchy', 'sweet', 'apple', 'crunchy sweet', 'crunchy or jam'];
// Microseconds apart: a cursor that kept only milliseconds would skip or repeat products.
const TIMES = [
  '2024-03-01 10:00:00.000000+00',
  '2024-03-01 10:00:00.000001+00',
  '2024-03-01 10:00:00.999999+00',
  '2024-03-01 10:00:01.000000+00',
  '2024-03-01 10:00:01.500000+00',
  '2024-03-01 10:00:01.500001+00',
];

const productArbitrary = fc.record({
  name: fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...SUFFIXES)).map(([name, suffix]) => name + suffix),
  description: fc.constantFrom(...DESCRIPTIONS),
  priceIndex: fc.nat(4),
  timeIndex: fc.nat(TIMES.length - 1),
  archived: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

const catalogArbitrary = fc.record({
  prices: fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), { minLength: 3, maxLength: 5 }),
  products: fc.array(productArbitrary, { minLength: 20, maxLength: 120 }),
  limit: fc.integer({ min: 1, max: 17 }),
  q: fc.constantFrom(...QUERIES),
});

type Catalog = typeof catalogArbitrary extends fc.Arbitrary<infer T> ? T : never;

interface Inserted {
  id: number;
  priceCents: number;
  /** Fixed-width UTC text: compares as text the way the timestamps compare. */
  createdAt: string;
  archived: boolean;
}

describe.each(databaseTargets())('keyset pagination of GET /api/products on $name', (target) => {
  let service: TestProduct;
  let runs = 0;

  beforeAll(async () => {
    service = await buildTestProduct(target);
  });
  afterAll(() => service.close());

  /** A fresh category per run, so runs never see each other's products. */
  async function insertCatalog(catalog: Catalog): Promise<{ categoryId: number; rows: Inserted[] }> {
    const run = ++runs;
    const category = await new PgCategoryStore(service.database.db).create(`Keyset run ${run}`, `keyset-run-${run}`);
    if (!category) throw new Error('category not created');
    const values = catalog.products.map((product) => ({
      name: product.name,
      description: product.description,
      priceCents: catalog.prices[product.priceIndex % catalog.prices.length]!,
      stock: 1,
      categoryId: category.id,
      createdAt: sql`${TIMES[product.timeIndex]!}::timestamptz`,
      archivedAt: product.archived ? new Date() : null,
    }));
    const inserted = await service.database.db.insert(products).values(values).returning({ id: products.id });
    const rows = inserted.map((row, n) => ({
      id: row.id,
      priceCents: values[n]!.priceCents,
      createdAt: TIMES[catalog.products[n]!.timeIndex]!,
      archived: catalog.products[n]!.archived,
    }));
    return { categoryId: category.id, rows };
  }

  /** The order the sort defines, from the inserted data or, where collation decides, from one SQL query. */
  async function expectedOrder(sort: ProductSort, categoryId: number, rows: Inserted[], q: string): Promise<number[]> {
    const live = rows.filter((row) => !row.archived);
    const byId = (a: Inserted, b: Inserted) => a.id - b.id;
    switch (sort) {
      case 'price':
        return live.sort((a, b) => a.priceCents - b.priceCents || byId(a, b)).map((row) => row.id);
      case '-price':
        return live.sort((a, b) => b.priceCents - a.priceCents || byId(b, a)).map((row) => row.id);
      case 'newest':
        return live.sort((a, b) => b.createdAt.localeCompare(a.createdAt, 'en') || byId(b, a)).map((row) => row.id);
      case 'name':
      case '-name':
      case 'relevance': {
        const where = and(eq(products.categoryId, categoryId), isNull(products.archivedAt));
        const search = sql`websearch_to_tsquery('english', ${q})`;
        const order: SQL[] =
          sort === 'name'
            ? [asc(products.name), asc(products.id)]
            : sort === '-name'
              ? [desc(products.name), desc(products.id)]
              : [desc(sql`ts_rank(${products.search}, ${search})`), desc(products.id)];
        const found = await service.database.db
          .select({ id: products.id })
          .from(products)
          .where(sort === 'relevance' ? and(where, sql`${products.search} @@ ${search}`) : where)
          .orderBy(...order);
        return found.map((row) => row.id);
      }
    }
  }

  it.each(PRODUCT_SORTS.map((sort) => [sort]))(
    'when a catalog full of ties is walked page by page sorted by %s, then every product comes exactly once in the sort’s order',
    async (sort) => {
      await fc.assert(
        fc.asyncProperty(catalogArbitrary, async (catalog) => {
          const { categoryId, rows } = await insertCatalog(catalog);
          const expected = await expectedOrder(sort, categoryId, rows, catalog.q);
          const query: Record<string, string | number> = { category: categoryId, sort, limit: catalog.limit };
          if (sort === 'relevance') query.q = catalog.q;
          const walk = await walkProducts(service.app, query, { maxPages: rows.length + 2 });
          const ids = walk.items.map((item) => item.id);

          expect(duplicates(ids)).toEqual([]);
          expect(ids).toEqual(expected);
          // Every page but the last is full, and the last one is not empty unless nothing matched.
          const last = walk.pageSizes.at(-1)!;
          expect(walk.pageSizes.slice(0, -1).every((size) => size === catalog.limit)).toBe(true);
          expect(last <= catalog.limit && (last > 0 || expected.length === 0)).toBe(true);
          expect(walk.pageSizes).toHaveLength(Math.max(1, Math.ceil(expected.length / catalog.limit)));
        }),
        { numRuns: RUNS_PER_SORT },
      );
    },
  );

  it('when the catalog is sorted by name, then the walk matches the order of one unpaginated request', async () => {
    await fc.assert(
      fc.asyncProperty(catalogArbitrary, fc.constantFrom<ProductSort>('name', '-name'), async (catalog, sort) => {
        const { categoryId } = await insertCatalog(catalog);
        const whole = await service.app.inject({
          method: 'GET',
          url: `/api/products?category=${categoryId}&sort=${sort}&limit=100`,
        });
        const wholeIds = (whole.json().items as Array<{ id: number }>).map((item) => item.id);
        const walk = await walkProducts(
          service.app,
          { category: categoryId, sort, limit: catalog.limit },
          { maxPages: 200 },
        );
        expect(walk.items.map((item) => item.id).slice(0, 100)).toEqual(wholeIds);
      }),
      { numRuns: 5 },
    );
  });
});
