import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, type OrderCancelled, type OrderPlaced } from '@shop/contracts';
import {
  type CloudEvent,
  cloudEvent,
  createLogger,
  type Database,
  type EventHandler,
  InProcessBus,
  type RetryPolicy,
} from '@shop/platform';
import { type DatabaseTarget, testSigningKey } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { expect, vi } from 'vitest';
import { type AnalyticsService, buildAnalyticsApp, MIGRATIONS_FOLDER } from '../src/app.ts';
import type { AnalyticsStore } from '../src/domain/ports.ts';

export const ISSUER = 'http://shop.test';
export const CURRENCY = 'EUR';
/** Where no product service listens (the discard port): for suites that never ask it. */
export const NO_PRODUCT_SERVICE = 'http://127.0.0.1:9';

/** The service's settings in tests: the ETL every hour, so that only refreshes run. */
export const TEST_CONFIG = {
  PUBLIC_URL: ISSUER,
  CURRENCY,
  ETL_INTERVAL_SECONDS: 3600,
  PRODUCT_URL: NO_PRODUCT_SERVICE,
};

export const SCOPES = {
  customer: 'product:read cart:write order:read order:create',
  admin:
    'product:read cart:write order:read order:create product:write inventory:write order:read-all order:write user:read user:write analytics:read',
  support: 'user:read',
};

/** A signing key of the test's own, standing in for the account service's JWKS. */
export async function testTokens() {
  const { verifier, sign } = await testSigningKey(ISSUER);
  return {
    verifier,
    sign,
    admin: await sign({ sub: '1', scope: SCOPES.admin, role: 'admin', email: 'admin@example.com' }),
    customer: await sign({ sub: '2', scope: SCOPES.customer, role: 'customer', email: 'ada@example.com' }),
    support: await sign({ sub: '3', scope: SCOPES.support, role: 'support', email: 'support@example.com' }),
  };
}

export type TestTokens = Awaited<ReturnType<typeof testTokens>>;

/**
 * The in-process bus, counting events published and deliveries finished, so that a test
 * can wait until every event it published has been handled (duplicates included).
 */
export class TestBus extends InProcessBus {
  private published = 0;
  private handled = 0;

  override async publish(event: CloudEvent): Promise<void> {
    this.published += 1;
    await super.publish(event);
  }

  override subscribe(
    consumer: string,
    types: readonly string[],
    handler: EventHandler,
    policy?: Partial<RetryPolicy>,
  ): Promise<void> {
    return super.subscribe(
      consumer,
      types,
      async (event, delivery) => {
        let done = delivery.final;
        try {
          await handler(event, delivery);
          done = true;
        } finally {
          if (done) this.handled += 1;
        }
      },
      policy,
    );
  }

  /** Resolves once every event published so far has been handled (each type has one subscriber here). */
  async idle(): Promise<void> {
    await vi.waitFor(() => expect(this.handled).toBe(this.published), WAIT);
  }
}

export interface TestAnalytics extends AnalyticsService {
  database: Database;
  bus: TestBus;
  tokens: TestTokens;
  /** Empties the log, the facts and the rollups, for the next test of a suite sharing one service. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface TestAnalyticsOptions {
  /** Subscribe to the bus (and start the ETL schedule, every hour so that only refreshes run). Default true. */
  start?: boolean;
  etlBatchSize?: number;
  /** Rollups other than the database's own (a wrapper that fails, for instance). */
  store?: (database: Database) => AnalyticsStore;
  /** The product service (a fake over HTTP); default, none. */
  productUrl?: string;
  /** The clock the forecasts go by; default, the system's. */
  now?: () => Date;
}

/** The analytics service on a fresh, migrated database of `target`, with an in-process bus. */
export async function buildTestAnalytics(
  target: DatabaseTarget,
  options: TestAnalyticsOptions = {},
): Promise<TestAnalytics> {
  const { database, cleanup } = await target.open({ service: 'analytics', migrationsFolder: MIGRATIONS_FOLDER });
  const tokens = await testTokens();
  const logger = createLogger({ name: 'analytics-test', level: 'silent' });
  const bus = new TestBus({ logger });
  const service = await buildAnalyticsApp({
    config: { ...TEST_CONFIG, PRODUCT_URL: options.productUrl ?? NO_PRODUCT_SERVICE },
    database,
    logger,
    verifier: tokens.verifier,
    bus,
    etlBatchSize: options.etlBatchSize,
    store: options.store?.(database),
    now: options.now,
  });
  if (options.start !== false) await service.start();
  return {
    ...service,
    database,
    bus,
    tokens,
    reset: async () => {
      // Deliveries and the first ETL run of start() may still be going: let them finish first.
      await bus.idle();
      await service.context.refresh();
      // And a forecast run under way (the one after start's ETL run): it must not write after the truncate.
      await service.forecasts.run();
      await database.db.execute(sql`truncate analytics.event, analytics.etl_state, analytics.order_fact,
        analytics.order_line_fact, analytics.order_cancellation, analytics.daily_sales,
        analytics.daily_product_sales, analytics.product_name, analytics.demand_forecast restart identity`);
    },
    close: async () => {
      await bus.close();
      await service.app.close();
      await cleanup();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export const WAIT = { timeout: 10_000, interval: 20 };

/** An event as its publisher writes it, at `time` (an ISO instant). */
function at<T>(event: CloudEvent<T>, time: string | undefined): CloudEvent<T> {
  return time === undefined ? event : { ...event, time };
}

export interface TestLine {
  product_id: number;
  name?: string;
  quantity: number;
  unit_price_cents: number;
}

/** `order.placed` for `lines`, the total their sum, at `time`. */
export function orderPlaced(options: {
  order_id: number;
  user_id?: number;
  lines: TestLine[];
  time?: string;
  currency?: string;
}): CloudEvent<OrderPlaced> {
  const items = options.lines.map((line) => ({
    product_id: line.product_id,
    name: line.name ?? `Product ${line.product_id}`,
    unit_price_cents: line.unit_price_cents,
    quantity: line.quantity,
    line_total_cents: line.unit_price_cents * line.quantity,
  }));
  const data: OrderPlaced = {
    order_id: options.order_id,
    user_id: options.user_id ?? 2,
    email: 'ada@example.com',
    items,
    total_cents: items.reduce((sum, item) => sum + item.line_total_cents, 0),
    currency: options.currency ?? CURRENCY,
    from_cart: false,
    reservation_id: randomUUID(),
  };
  return at(cloudEvent('/order', EVENT_TYPES.orderPlaced, data), options.time);
}

export function orderCancelled(options: { order_id: number; user_id?: number; time?: string }) {
  const data: OrderCancelled = {
    order_id: options.order_id,
    user_id: options.user_id ?? 2,
    email: 'ada@example.com',
    reason: 'cancelled by the customer',
  };
  return at(cloudEvent('/order', EVENT_TYPES.orderCancelled, data), options.time);
}

/** Publishes `events`, waits until each is handled, and checks that the log then holds `total` events in all. */
export async function publishAndLog(service: TestAnalytics, events: readonly CloudEvent[], total: number) {
  for (const event of events) await service.bus.publish(event);
  await service.bus.idle();
  expect((await service.context.reports.store.status()).events).toBe(total);
}

/** Lets queued deliveries and short retries run, for tests asserting that nothing more happens. */
export function settle(ms = 150): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A query's rows, as the driver gives them. */
async function rows<T>(database: Database, query: string): Promise<T[]> {
  return ((await database.db.execute(sql.raw(query))) as unknown as { rows: T[] }).rows;
}

export interface DailyRow {
  day: string;
  orders: number;
  units: number;
  revenue_cents: number;
  cancelled_orders: number;
}

export interface DailyProductRow {
  day: string;
  product_id: number;
  units: number;
  revenue_cents: number;
}

/** The two daily rollups, read straight from their tables in key order. */
export async function rollups(database: Database): Promise<{ daily: DailyRow[]; products: DailyProductRow[] }> {
  return {
    daily: await rows<DailyRow>(
      database,
      `select to_char(day, 'YYYY-MM-DD') as day, orders, units::integer as units,
              revenue_cents::integer as revenue_cents, cancelled_orders
         from analytics.daily_sales order by day`,
    ),
    products: await rows<DailyProductRow>(
      database,
      `select to_char(day, 'YYYY-MM-DD') as day, product_id, units::integer as units,
              revenue_cents::integer as revenue_cents
         from analytics.daily_product_sales order by day, product_id`,
    ),
  };
}

const TABLES: Record<string, string> = {
  event: 'sequence',
  etl_state: 'name',
  order_fact: 'order_id',
  order_line_fact: 'order_id, product_id',
  order_cancellation: 'order_id',
  daily_sales: 'day',
  daily_product_sales: 'day, product_id',
  product_name: 'product_id',
};

/** Every row of every analytics table, as JSON text per table: equal snapshots, equal contents. */
export async function snapshot(database: Database): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const [table, key] of Object.entries(TABLES)) {
    const [row] = await rows<{ rows: string }>(
      database,
      `select coalesce(json_agg(t order by ${key}), '[]')::text as rows from analytics.${table} as t`,
    );
    result[table] = row?.rows ?? '';
  }
  return result;
}
