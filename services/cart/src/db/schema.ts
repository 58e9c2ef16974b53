import { inboxTable } from '@shop/platform';
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgSchema, primaryKey, timestamp } from 'drizzle-orm/pg-core';

/** Everything the cart service stores in PostgreSQL or PGlite lives in the `cart` schema. */
export const cart = pgSchema('cart');

/** One row per user with a cart: when it was last read or changed, for the idle sweep. */
export const carts = cart.table(
  'carts',
  {
    userId: integer('user_id').primaryKey(),
    touchedAt: timestamp('touched_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('carts_touched_idx').on(table.touchedAt)],
);

/** A cart's lines; `position` keeps them in the order they were first added. */
export const lines = cart.table(
  'lines',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => carts.userId, { onDelete: 'cascade' }),
    productId: integer('product_id').notNull(),
    quantity: integer('quantity').notNull(),
    position: bigint('position', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.productId] }),
    check('lines_quantity_check', sql`${table.quantity} > 0`),
    index('lines_user_position_idx').on(table.userId, table.position),
  ],
);

/** The `order.placed` events already taken off carts. */
export const inbox = inboxTable(cart);
