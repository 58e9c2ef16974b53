import { EVENT_TYPES, type EventPayloads } from '@shop/contracts';
import { type Db, Outbox } from '@shop/platform';
import { and, asc, desc, eq, gt, gte, isNull, lte, type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { ProductPage, ProductQuery, ProductSort } from '../domain/listing.ts';
import type { ProductStore } from '../domain/ports.ts';
import { MAX_STOCK, type Product, type ProductInput } from '../domain/product.ts';
import {
  imageChangedEvent,
  productCreatedEvent,
  productDeletedEvent,
  productEditedEvent,
  stockAdjustedEvent,
} from '../events/product-events.ts';
import { intArray } from './int-array.ts';
import { outbox, products } from './schema.ts';

/** Every column but the search vector. */
const columns = {
  id: products.id,
  name: products.name,
  description: products.description,
  priceCents: products.priceCents,
  stock: products.stock,
  categoryId: products.categoryId,
  imageKey: products.imageKey,
  imageEtag: products.imageEtag,
  archivedAt: products.archivedAt,
  createdAt: products.createdAt,
  updatedAt: products.updatedAt,
};

const active = isNull(products.archivedAt);

export class PgProductStore implements ProductStore {
  private readonly events = new Outbox<EventPayloads>(outbox, '/product');
  private readonly byId;

  constructor(private readonly db: Db) {
    this.byId = db
      .select(columns)
      .from(products)
      .where(and(eq(products.id, sql.placeholder('id')), active))
      .prepare('product_by_id');
  }

  /** One prepared listing per shape (sort and which filters are set), built on first use. */
  private readonly listings = new Map<string, ReturnType<typeof prepareListing>>();

  /**
   * Keyset pagination: each page continues after the last row's (sort key, id), so
   * pages stay stable while products are added, ties included, and no OFFSET is scanned.
   * The statement for the query's shape is built once, then only bound.
   */
  async list(query: ProductQuery): Promise<ProductPage<Product>> {
    const shape = listingShape(query);
    const key = shapeKey(shape);
    let listing = this.listings.get(key);
    if (!listing) {
      listing = prepareListing(this.db, shape, `product_list_${key}`);
      this.listings.set(key, listing);
    }
    const rows = await listing.execute({
      categoryIds: query.categoryIds?.length ? intArray(query.categoryIds) : undefined,
      minPriceCents: query.minPriceCents,
      maxPriceCents: query.maxPriceCents,
      text: query.text || undefined,
      afterValue: query.after === undefined ? undefined : String(query.after.value),
      afterId: query.after?.id,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(({ sortValue: _, ...product }) => product),
      next: rows.length > query.limit && last ? { value: last.sortValue, id: last.id } : null,
    };
  }

  async find(id: number): Promise<Product | null> {
    const [row] = await this.byId.execute({ id });
    return row ?? null;
  }

  async findIncludingArchived(id: number): Promise<Product | null> {
    const [row] = await this.db.select(columns).from(products).where(eq(products.id, id));
    return row ?? null;
  }

  async create(input: ProductInput): Promise<Product> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.insert(products).values(input).returning(columns);
      if (!row) throw new Error('insert returned no row');
      await this.events.add(tx, EVENT_TYPES.productCreated, productCreatedEvent(row));
      return row;
    });
  }

  async update(id: number, changes: Partial<ProductInput>): Promise<Product | null> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(products)
        .set({ ...changes, updatedAt: sql`now()` })
        .where(and(eq(products.id, id), active))
        .returning(columns);
      if (!row) return null;
      await this.events.add(tx, EVENT_TYPES.productUpdated, productEditedEvent(id, changes));
      return row;
    });
  }

  async archive(id: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const archived = await tx
        .update(products)
        .set({ archivedAt: sql`now()`, updatedAt: sql`now()` })
        .where(and(eq(products.id, id), active))
        .returning({ id: products.id });
      if (archived.length === 0) return false;
      await this.events.add(tx, EVENT_TYPES.productDeleted, productDeletedEvent(id));
      return true;
    });
  }

  async adjustStock(id: number, delta: number): Promise<Product | null> {
    return this.db.transaction(async (tx) => {
      // Conditional: the stock can only reach zero, never pass it.
      const [row] = await tx
        .update(products)
        .set({ stock: sql`${products.stock} + ${delta}`, updatedAt: sql`now()` })
        .where(
          and(
            eq(products.id, id),
            active,
            gte(products.stock, -delta),
            // Nor past the largest integer column value (a 500 otherwise).
            delta > 0 ? lte(products.stock, MAX_STOCK - delta) : undefined,
          ),
        )
        .returning(columns);
      if (!row) return null;
      await this.events.add(tx, EVENT_TYPES.productUpdated, stockAdjustedEvent(row));
      return row;
    });
  }

  async setImage(id: number, image: { key: string; etag: string }): Promise<Product | null> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(products)
        .set({ imageKey: image.key, imageEtag: image.etag, updatedAt: sql`now()` })
        .where(and(eq(products.id, id), active))
        .returning(columns);
      if (!row) return null;
      await this.events.add(tx, EVENT_TYPES.productUpdated, imageChangedEvent(id, image));
      return row;
    });
  }
}

/** What decides a listing's SQL text: the sort, and which filters are set (not their values). */
interface ListingShape {
  sort: ProductSort;
  categories: boolean;
  minPrice: boolean;
  maxPrice: boolean;
  inStock: boolean;
  text: boolean;
  after: boolean;
}

function listingShape(query: ProductQuery): ListingShape {
  return {
    sort: query.sort,
    categories: Boolean(query.categoryIds?.length),
    minPrice: query.minPriceCents !== undefined,
    maxPrice: query.maxPriceCents !== undefined,
    inStock: Boolean(query.inStock),
    text: Boolean(query.text),
    after: query.after !== undefined,
  };
}

/** A name-safe key: the sort, then one letter per filter set. */
function shapeKey(shape: ListingShape): string {
  const flags = [
    shape.categories ? 'c' : '',
    shape.minPrice ? 'l' : '',
    shape.maxPrice ? 'h' : '',
    shape.inStock ? 's' : '',
    shape.text ? 't' : '',
    shape.after ? 'a' : '',
  ].join('');
  return `${shape.sort.replace('-', 'desc_')}_${flags}`;
}

/** The listing statement for one shape, its values as placeholders (see PgProductStore.list). */
function prepareListing(db: Db, shape: ListingShape, name: string) {
  const p = sql.placeholder;
  const search = shape.text ? sql`websearch_to_tsquery('english', ${p('text')}::text)` : undefined;
  const order = sortOrder(shape.sort, search);
  const conditions: SQL[] = [active];
  if (shape.categories) conditions.push(sql`${products.categoryId} = any(${p('categoryIds')}::int[])`);
  if (shape.minPrice) conditions.push(sql`${products.priceCents} >= ${p('minPriceCents')}::int`);
  if (shape.maxPrice) conditions.push(sql`${products.priceCents} <= ${p('maxPriceCents')}::int`);
  if (shape.inStock) conditions.push(gt(products.stock, 0));
  if (search) conditions.push(sql`${products.search} @@ ${search}`);
  if (shape.after) conditions.push(after(order, p('afterValue'), p('afterId')));
  return db
    .select({ ...columns, sortValue: sql<string>`(${order.key})::text` })
    .from(products)
    .where(and(...conditions))
    .orderBy(...(order.descending ? [desc(order.key), desc(products.id)] : [asc(order.key), asc(products.id)]))
    .limit(p('limit'))
    .prepare(name);
}

/** Cursor values travel as the key's text form: exact (microseconds, float digits) and cast back in SQL. */
interface SortOrder {
  key: SQL;
  /** SQL type of the key, to compare a cursor value with it. */
  type: 'timestamptz' | 'text' | 'integer' | 'real';
  descending: boolean;
}

function sortOrder(sort: ProductSort, search: SQL | undefined): SortOrder {
  switch (sort) {
    case 'newest':
      return { key: sql`${products.createdAt}`, type: 'timestamptz', descending: true };
    case 'name':
      return { key: sql`${products.name}`, type: 'text', descending: false };
    case '-name':
      return { key: sql`${products.name}`, type: 'text', descending: true };
    case 'price':
      return { key: sql`${products.priceCents}`, type: 'integer', descending: false };
    case '-price':
      return { key: sql`${products.priceCents}`, type: 'integer', descending: true };
    case 'relevance':
      return { key: sql`ts_rank(${products.search}, ${search ?? sql`''::tsquery`})`, type: 'real', descending: true };
  }
}

function after(order: SortOrder, value: Placeholder, id: Placeholder): SQL {
  const cursor = sql`cast(${value}::text as ${sql.raw(order.type)})`;
  return order.descending
    ? sql`(${order.key}, ${products.id}) < (${cursor}, ${id}::int)`
    : sql`(${order.key}, ${products.id}) > (${cursor}, ${id}::int)`;
}
