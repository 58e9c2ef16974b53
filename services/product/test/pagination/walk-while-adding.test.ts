import { databaseTargets } from '@shop/platform/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgCategoryStore } from '../../src/db/category-store.ts';
import { products } from '../../src/db/schema.ts';
import { buildTestProduct, type TestProduct } from '../helpers.ts';
import { duplicates, type ListedProduct, walkProducts } from './support.ts';

const CATALOG = 10_000;
const DISTINCT_PRICES = 97; // ~100 products share each price: every page boundary falls inside a tie
const DISTINCT_TIMES = 50;
const BASE_TIME = Date.parse('2024-01-01T00:00:00Z');

describe.each(databaseTargets())('walking 10,000 products while products are added, on $name', (target) => {
  let service: TestProduct;
  let categoryId: number;
  let added = 0;

  beforeAll(async () => {
    service = await buildTestProduct(target);
    const category = await new PgCategoryStore(service.database.db).create('Bulk', 'bulk');
    if (!category) throw new Error('category not created');
    categoryId = category.id;
    await service.database.db.execute(sql`
      insert into product.products (name, description, price_cents, stock, category_id, created_at)
      select 'Bulk product ' || i, '', (i % ${DISTINCT_PRICES}::int) * 100, 10, ${categoryId}::int,
             ${new Date(BASE_TIME).toISOString()}::timestamptz + (i % ${DISTINCT_TIMES}::int) * interval '1 minute'
      from generate_series(1, ${CATALOG}::int) as i`);
    // Statistics taken on the loaded table, not the empty one (README "Conventions").
    await service.database.db.execute(sql`analyze product.products`);
  });
  afterAll(() => service.close());

  /** Adds three products at prices and times spread over the whole range the catalog covers. */
  async function addSome(): Promise<void> {
    const values = Array.from({ length: 3 }, () => {
      added++;
      return {
        name: `Added while walking ${added}`,
        priceCents: Math.floor(Math.random() * DISTINCT_PRICES) * 100,
        stock: 1,
        categoryId,
        createdAt: new Date(BASE_TIME + Math.floor(Math.random() * DISTINCT_TIMES) * 60_000),
      };
    });
    await service.database.db.insert(products).values(values);
  }

  async function existingIds(): Promise<number[]> {
    const rows = await service.database.db
      .select({ id: products.id })
      .from(products)
      .where(eq(products.categoryId, categoryId));
    return rows.map((row) => row.id);
  }

  /**
   * Walks with limit=100 while a loop of its own keeps inserting, until the walk is done.
   * Returns the walk and the ids that existed before it started.
   */
  async function walkWhileAdding(sort: 'price' | 'newest') {
    const before = await existingIds();
    let walking = true;
    let insertedDuringWalk = 0;
    const inserter = (async () => {
      while (walking) {
        await addSome();
        insertedDuringWalk += 3;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    let walk: Awaited<ReturnType<typeof walkProducts>>;
    try {
      walk = await walkProducts(
        service.app,
        { category: categoryId, sort, limit: 100 },
        // Let the inserter in between pages at least once, on a single-connection PGlite too.
        { maxPages: 1_000, between: () => new Promise((resolve) => setImmediate(resolve)) },
      );
    } finally {
      walking = false;
      await inserter;
    }
    return { walk, before, insertedDuringWalk };
  }

  function expectAllOnceAndNoDuplicates(items: ListedProduct[], before: number[]): void {
    const ids = items.map((item) => item.id);
    expect(duplicates(ids)).toEqual([]);
    const seen = new Set(ids);
    const missing = before.filter((id) => !seen.has(id));
    expect(missing).toEqual([]);
  }

  it('when the catalog is walked by price while products are added, then every earlier product comes once and prices never go down', async () => {
    const { walk, before, insertedDuringWalk } = await walkWhileAdding('price');
    expect(before.length).toBeGreaterThanOrEqual(CATALOG);
    expect(insertedDuringWalk).toBeGreaterThan(0);
    expectAllOnceAndNoDuplicates(walk.items, before);
    for (let n = 1; n < walk.items.length; n++) {
      const previous = walk.items[n - 1]!;
      const current = walk.items[n]!;
      // (price, id) strictly increases: prices never go down, ties in id order.
      expect(
        current.price_cents > previous.price_cents ||
          (current.price_cents === previous.price_cents && current.id > previous.id),
        `item ${n}: ${JSON.stringify(previous)} then ${JSON.stringify(current)}`,
      ).toBe(true);
    }
    // Products added ahead of the cursor show up in the same walk: the walk really ran alongside.
    const beforeSet = new Set(before);
    expect(walk.items.some((item) => !beforeSet.has(item.id))).toBe(true);
  });

  it('when the catalog is walked newest first while products are added, then every earlier product comes once and times never go up', async () => {
    const { walk, before, insertedDuringWalk } = await walkWhileAdding('newest');
    expect(insertedDuringWalk).toBeGreaterThan(0);
    expectAllOnceAndNoDuplicates(walk.items, before);
    for (let n = 1; n < walk.items.length; n++) {
      const previous = walk.items[n - 1]!;
      const current = walk.items[n]!;
      const [was, is] = [Date.parse(previous.created_at), Date.parse(current.created_at)];
      expect(
        is < was || (is === was && current.id < previous.id),
        `item ${n}: ${JSON.stringify(previous)} then ${JSON.stringify(current)}`,
      ).toBe(true);
    }
    const beforeSet = new Set(before);
    expect(walk.items.some((item) => !beforeSet.has(item.id))).toBe(true);
  });
});
