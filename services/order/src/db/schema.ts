import { outboxTable } from '@shop/platform';
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** Everything the order service stores lives in the `order` schema. */
export const order = pgSchema('order');

export const orders = order.table(
  'orders',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id').notNull(),
    /** The customer's e-mail when ordering, for the confirmation and cancellation mails. */
    email: text('email').notNull(),
    status: text('status', { enum: ['confirmed', 'shipped', 'delivered', 'cancelled'] }).notNull(),
    /** A sum of lines that may pass int4 (2,147,483,647); safe as a JS number up to 2^53. */
    totalCents: bigint('total_cents', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    reservationId: uuid('reservation_id').notNull(),
    /** A reservation call still owed to the product service (commit after placing, release after cancelling). */
    reservationAction: text('reservation_action', { enum: ['commit', 'release'] }),
    fromCart: boolean('from_cart').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('orders_status_check', sql`${table.status} in ('confirmed', 'shipped', 'delivered', 'cancelled')`),
    check('orders_total_check', sql`${table.totalCents} >= 0`),
    // Ascending: scanned forwards for sort=date, backwards for -date.
    index('orders_user_created_idx').on(table.userId, table.createdAt, table.id),
    index('orders_created_idx').on(table.createdAt, table.id),
    index('orders_pending_reservation_idx').on(table.id).where(sql`${table.reservationAction} is not null`),
    // The product service asks by reservation what became of it; one reservation, one order.
    uniqueIndex('orders_reservation_idx').on(table.reservationId),
  ],
);

export const orderLines = order.table(
  'order_lines',
  {
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    productId: integer('product_id').notNull(),
    name: text('name').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (table) => [primaryKey({ columns: [table.orderId, table.productId] })],
);

/** Idempotency keys per user: the body's hash, the attempt holding the key, and the order it made. */
export const idempotencyKeys = order.table(
  'idempotency_keys',
  {
    userId: integer('user_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    attemptId: uuid('attempt_id').notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }).notNull(),
    orderId: integer('order_id').references(() => orders.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.key] }),
    // The attempt id is the reservation's order_ref: the product service's question names it.
    uniqueIndex('idempotency_keys_attempt_idx').on(table.attemptId),
  ],
);

export const outbox = outboxTable(order);
