import {
  bigint,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/** Everything the analytics service stores lives in the `analytics` schema. */
export const analytics = pgSchema('analytics');

/**
 * Every event the shop published, as it arrived, once per CloudEvent id: the source the
 * rollups are computed from, and kept so that new figures can be computed from the past.
 */
export const event = analytics.table('event', {
  /** Arrival order: the ETL's watermark is the last sequence it took in. */
  sequence: bigint('sequence', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  /** The CloudEvent id: a redelivered event is stored once. */
  id: text('id').notNull().unique(),
  type: text('type').notNull(),
  source: text('source').notNull(),
  /** When it happened, as its publisher says; null when it did not say (or said nonsense). */
  time: timestamp('time', { withTimezone: true }),
  data: jsonb('data'),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Where each ETL stands: the last event sequence it applied, and when it last ran. */
export const etlState = analytics.table('etl_state', {
  name: text('name').primaryKey(),
  watermark: bigint('watermark', { mode: 'number' }).notNull().default(0),
  ranAt: timestamp('ran_at', { withTimezone: true }),
});

/** One row per order placed, cancelled or not: whether it was is `order_cancellation`'s. */
export const orderFact = analytics.table(
  'order_fact',
  {
    orderId: integer('order_id').primaryKey(),
    userId: integer('user_id').notNull(),
    placedAt: timestamp('placed_at', { withTimezone: true }).notNull(),
    /** The UTC day of `placed_at`: the day the order counts on. */
    placedOn: date('placed_on').notNull(),
    currency: text('currency').notNull(),
    units: bigint('units', { mode: 'number' }).notNull(),
    revenueCents: bigint('revenue_cents', { mode: 'number' }).notNull(),
  },
  (table) => [index('order_fact_placed_on_idx').on(table.placedOn), index('order_fact_user_idx').on(table.userId)],
);

/** An order's lines, one per product (lines of the same product added together). */
export const orderLineFact = analytics.table(
  'order_line_fact',
  {
    orderId: integer('order_id').notNull(),
    productId: integer('product_id').notNull(),
    /** The product's name on this order: the catalog's at the time. */
    name: text('name').notNull(),
    quantity: integer('quantity').notNull(),
    revenueCents: bigint('revenue_cents', { mode: 'number' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.orderId, table.productId] }),
    index('order_line_fact_product_idx').on(table.productId),
  ],
);

/**
 * Each product's name on its latest order line (by placed_at, then order id), cancelled or
 * not: the name the reports show, kept by the ETL so that naming a product reads one row,
 * not all of its lines.
 */
export const productName = analytics.table('product_name', {
  productId: integer('product_id').primaryKey(),
  name: text('name').notNull(),
  /** The line's order: when it was placed, and its id, which breaks a tie. */
  placedAt: timestamp('placed_at', { withTimezone: true }).notNull(),
  orderId: integer('order_id').notNull(),
});

/**
 * Cancelled orders. Apart from `order_fact`, so that a cancellation taken in before its
 * order's placement (events arrive in any order) still counts once the placement arrives.
 */
export const orderCancellation = analytics.table('order_cancellation', {
  orderId: integer('order_id').primaryKey(),
  cancelledAt: timestamp('cancelled_at', { withTimezone: true }).notNull(),
});

/** Per UTC day of placement: the orders that stand, and those cancelled since. Rebuilt from the facts. */
export const dailySales = analytics.table('daily_sales', {
  day: date('day').primaryKey(),
  orders: integer('orders').notNull(),
  units: bigint('units', { mode: 'number' }).notNull(),
  revenueCents: bigint('revenue_cents', { mode: 'number' }).notNull(),
  cancelledOrders: integer('cancelled_orders').notNull(),
});

/** Per UTC day of placement and product: what the orders that stand bought. Rebuilt from the facts. */
export const dailyProductSales = analytics.table(
  'daily_product_sales',
  {
    day: date('day').notNull(),
    productId: integer('product_id').notNull(),
    units: bigint('units', { mode: 'number' }).notNull(),
    revenueCents: bigint('revenue_cents', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.day, table.productId] })],
);

/**
 * Each product's demand forecast, made once a day from `daily_product_sales` for every
 * product sold in the last 365 days: all rows are replaced together, in one transaction.
 */
export const demandForecast = analytics.table('demand_forecast', {
  productId: integer('product_id').primaryKey(),
  /** The UTC day the forecast was made: its first point is that day. */
  madeOn: date('made_on').notNull(),
  /** mstl_ets or seasonal_average. */
  method: text('method').notNull(),
  /** The method's error on the last days of the history, fitted without them; null when it could not be measured. */
  backtestWape: doublePrecision('backtest_wape'),
  /** [{date, units, lower, upper}], one per day from made_on on. */
  points: jsonb('points').notNull(),
});
