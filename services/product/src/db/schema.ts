import { outboxTable } from '@shop/platform';
import { type SQL, sql } from 'drizzle-orm';
import {
  check,
  customType,
  index,
  integer,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** Everything the product service stores lives in the `product` schema. */
export const product = pgSchema('product');

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const categories = product.table('categories', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull().unique(),
  slug: text('slug').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const products = product.table(
  'products',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    priceCents: integer('price_cents').notNull(),
    stock: integer('stock').notNull(),
    categoryId: integer('category_id')
      .notNull()
      .references(() => categories.id),
    /** Key of the image in the blob store and its SHA-256 (the ETag); null without an image. */
    imageKey: text('image_key'),
    imageEtag: text('image_etag'),
    /** Name weighs more than description in the ranking. */
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          sql`setweight(to_tsvector('english', ${products.name}), 'A') || setweight(to_tsvector('english', ${products.description}), 'B')`,
      ),
    /** Archived products leave the catalog but stay readable for past orders. */
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('products_price_check', sql`${table.priceCents} >= 0`),
    // The one guarantee inventory rests on: whatever the code does, stock never goes below zero.
    check('products_stock_check', sql`${table.stock} >= 0`),
    index('products_search_idx').using('gin', table.search),
    // Keyset pagination: one index per sort, each ending in id so ties have an order.
    index('products_newest_idx')
      .on(table.createdAt.desc().nullsFirst(), table.id.desc().nullsFirst())
      .where(sql`${table.archivedAt} is null`),
    index('products_price_idx').on(table.priceCents, table.id).where(sql`${table.archivedAt} is null`),
    index('products_name_idx').on(table.name, table.id).where(sql`${table.archivedAt} is null`),
    index('products_category_price_idx')
      .on(table.categoryId, table.priceCents, table.id)
      .where(sql`${table.archivedAt} is null`),
  ],
);

export const reservations = product.table(
  'reservations',
  {
    id: uuid('id').primaryKey(),
    /** The caller's key (the order id): the same order_ref never reserves twice. */
    orderRef: text('order_ref').notNull(),
    status: text('status', { enum: ['held', 'committed', 'released', 'expired'] }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('reservations_order_ref_idx').on(table.orderRef),
    index('reservations_expiry_idx').on(table.expiresAt).where(sql`${table.status} = 'held'`),
    check('reservations_status_check', sql`${table.status} in ('held', 'committed', 'released', 'expired')`),
  ],
);

export const reservationLines = product.table(
  'reservation_lines',
  {
    reservationId: uuid('reservation_id')
      .notNull()
      .references(() => reservations.id, { onDelete: 'cascade' }),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id),
    quantity: integer('quantity').notNull(),
    name: text('name').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
  },
  (table) => [primaryKey({ columns: [table.reservationId, table.productId] })],
);

export const outbox = outboxTable(product);
