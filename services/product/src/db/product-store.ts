import { EVENT_TYPES, type EventPayloads } from '@shop/contracts';
import { type Db, Outbox } from '@shop/platform';
import { and, asc, desc, eq, gt, gte, inArray, isNull, lte, type SQL, sql } from 'drizzle-orm';
import type { ListPosition, ProductPage, ProductQuery, ProductSort } from '../domain/listing.ts';
import type { ProductStore } from '../domain/ports.ts';
import { MAX_STOCK, type Product, type ProductInput } from '../domain/product.ts';
import {
  imageChangedEvent,
  productCreatedEvent,
  productDeletedEvent,
  productEditedEvent,
  stockAdjustedEvent,
} from '../events/product-events.ts';
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

  /**
   * Keyset pagination: each page continues after the last row's (sort key, id), so
   * pages stay stable while products are added, ties included, and no OFFSET is scanned.
   */
  async list(query: ProductQuery): Promise<ProductPage<Product>> {
    const search = query.text ? sql`websearch_to_tsquery('english', ${query.text})` : undefined;
    const order = sortOrder(query.sort, search);
    const conditions: SQL[] = [active];
    if (query.categoryIds?.length) conditions.push(inArray(products.categoryId, query.categoryIds));
    if (query.minPriceCents !== undefined) conditions.push(gte(products.priceCents, query.minPriceCents));
    if (query.maxPriceCents !== undefined) conditions.push(lte(products.priceCents, query.maxPriceCents));
    if (query.inStock) conditions.push(gt(products.stock, 0));
    if (search) conditions.push(sql`${products.search} @@ ${search}`);
    if (query.after) conditions.push(after(order, query.after));

    const rows = await this.db
      .select({ ...columns, sortValue: sql<string>`(${order.key})::text` })
      .from(products)
      .where(and(...conditions))
      .orderBy(...(order.descending ? [desc(order.key), desc(products.id)] : [asc(order.key), asc(products.id)]))
      .limit(query.limit + 1);
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

function after(order: SortOrder, position: ListPosition): SQL {
  const value = sql`cast(${String(position.value)} as ${sql.raw(order.type)})`;
  return order.descending
    ? sql`(${order.key}, ${products.id}) < (${value}, ${position.id})`
    : sql`(${order.key}, ${products.id}) > (${value}, ${position.id})`;
}
