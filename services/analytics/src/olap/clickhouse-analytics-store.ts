import { type ClickHouseClient, createClient } from '@clickhouse/client';
import {
  type Count,
  type DailySalesRow,
  type ProductDayUnitsRow,
  type ProductSalesRow,
  toDailySales,
  toProductDayUnits,
  toProductSales,
} from '../db/store-rows.ts';
import type { EtlFacts } from '../domain/facts.ts';
import type {
  AnalyticsStore,
  BeforeWatermark,
  BoughtTogether,
  CustomerCounts,
  DailySales,
  DayRange,
  EtlStatus,
  EtlStep,
  EventLogReader,
  LoggedEvent,
  ProductDayUnits,
  ProductSales,
} from '../domain/ports.ts';
import { day, identifier, integer, integers } from './clickhouse-literals.ts';

export interface ClickHouseStoreOptions {
  /** The server's HTTP interface, e.g. http://127.0.0.1:8123 (user and password may be in it). */
  url: string;
  /** The database of the store's tables, created at open when missing. */
  database: string;
  /** The event log the ETL reads. */
  log: EventLogReader;
  /** A fault the tests inject between a step's facts and its watermark. */
  beforeWatermark?: BeforeWatermark;
  /** Told when the log is not the one the database counted (a new one): the facts are dropped and rebuilt. */
  onNewLog?: (watermark: number) => void;
}

/**
 * The tables, created at open when missing. ClickHouse has no transactions and no unique
 * keys: each table is a ReplacingMergeTree whose sorting key is the fact's identity, so a
 * row written twice (a step repeated after dying before its watermark moved) is one row
 * to every read below (FINAL where rows are counted or summed). Lines carry their order's
 * placed_at and placed_on so that no report needs a join. The daily rollups are rewritten
 * whole for each day a step touches, under the step's version: the newest version of a day
 * is the day (a product whose orders of the day were all cancelled since keeps a row of
 * zeros, which the reads leave out). Times are epoch milliseconds:
 * DateTime64 is newer than the oldest server supported (18.16).
 */
const TABLES = [
  `CREATE TABLE IF NOT EXISTS etl_state (
     name String,
     watermark Int64,
     last_event_id String,
     ran_at_ms Int64,
     version UInt64
   ) ENGINE = ReplacingMergeTree(version) ORDER BY name`,
  `CREATE TABLE IF NOT EXISTS order_fact (
     order_id Int32,
     user_id Int32,
     placed_at_ms Int64,
     placed_on Date,
     currency String,
     units Int64,
     revenue_cents Int64
   ) ENGINE = ReplacingMergeTree PARTITION BY toYYYYMM(placed_on) ORDER BY order_id`,
  `CREATE TABLE IF NOT EXISTS order_line_fact (
     order_id Int32,
     product_id Int32,
     placed_at_ms Int64,
     placed_on Date,
     name String,
     quantity Int32,
     revenue_cents Int64
   ) ENGINE = ReplacingMergeTree PARTITION BY toYYYYMM(placed_on) ORDER BY (order_id, product_id)`,
  `CREATE TABLE IF NOT EXISTS order_cancellation (
     order_id Int32,
     cancelled_at_ms Int64
   ) ENGINE = ReplacingMergeTree ORDER BY order_id`,
  `CREATE TABLE IF NOT EXISTS daily_sales (
     day Date,
     orders UInt32,
     units Int64,
     revenue_cents Int64,
     cancelled_orders UInt32,
     version UInt64
   ) ENGINE = ReplacingMergeTree(version) ORDER BY day`,
  `CREATE TABLE IF NOT EXISTS daily_product_sales (
     day Date,
     product_id Int32,
     units Int64,
     revenue_cents Int64,
     version UInt64
   ) ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(day) ORDER BY (day, product_id)`,
];

/** The tables a new log empties. */
const FACT_TABLES = [
  'order_fact',
  'order_line_fact',
  'order_cancellation',
  'daily_sales',
  'daily_product_sales',
] as const;

/** The row of etl_state that holds the facts' watermark. */
const ROLLUPS = 'rollups';

/** Whether the row's order was cancelled: a cancellation of it is held (a set: duplicates do not matter). */
const CANCELLED = 'order_id IN (SELECT order_id FROM order_cancellation)';

/** Whether the row's order stands: no cancellation of it is held. */
const STANDS = 'order_id NOT IN (SELECT order_id FROM order_cancellation)';

/** Order ids per query when asking which are held: keeps the SQL well under the server's max_query_size. */
const IDS_PER_QUERY = 5_000;

/** Where the ETL stands: `version` orders etl_state's rows, the newest one counts. */
interface EtlState {
  watermark: number;
  /** The id of the event at the watermark ('' before any): tells whether the log is still the one counted in. */
  lastEventId: string;
  ranAtMs: number | null;
  version: number;
}

/**
 * The OLAP store in ClickHouse, a server of its own: order facts and cancellations, with
 * the reports computed from them at query time, to the figures PostgreSQL's rollups give
 * (db/pg-analytics-store.ts). Without transactions, a step is crash-safe by its order of
 * writes: facts first, each idempotent, then the watermark (in ClickHouse too), last. A
 * step that dies before the watermark moves is repeated whole, and its facts collapse into
 * those it wrote before. Steps of one store never overlap, but reports do not wait for
 * them: one read while a step writes, or after a step died and before its repeat, may
 * count part of that step's facts. The SQL holds literals, never query parameters (18.16
 * has none), and only values checked in clickhouse-literals.ts: names and other free text
 * reach the server only as JSONEachRow insert data.
 */
export class ClickHouseAnalyticsStore implements AnalyticsStore {
  private steps: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly client: ClickHouseClient,
    private readonly log: EventLogReader,
    private readonly beforeWatermark: BeforeWatermark | undefined,
    private readonly onNewLog: ((watermark: number) => void) | undefined,
  ) {}

  static async open(options: ClickHouseStoreOptions): Promise<ClickHouseAnalyticsStore> {
    const database = identifier(options.database);
    await createDatabase(options.url, database);
    const client = createClient({ url: options.url, database });
    try {
      for (const table of TABLES) await client.command({ query: table });
      return new ClickHouseAnalyticsStore(client, options.log, options.beforeWatermark, options.onNewLog);
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  applyNext(limit: number, toFacts: (events: LoggedEvent[]) => EtlFacts): Promise<EtlStep> {
    const step = this.steps.then(() => this.step(limit, toFacts));
    this.steps = step.catch(() => undefined);
    return step;
  }

  async status(): Promise<EtlStatus> {
    const state = await this.state();
    const { events, past } = await this.log.count(state.watermark);
    return {
      events,
      watermark: state.watermark,
      lastRunAt: state.ranAtMs === null ? null : new Date(state.ranAtMs),
      pendingEvents: past,
    };
  }

  async dailySales(range: DayRange): Promise<{ currency: string | null; days: DailySales[] }> {
    const rows = await this.rows<DailySalesRow>(
      // The day as text under another name: an alias would stand for the column in WHERE.
      `SELECT toString(sold_on) AS day, orders, units, revenue_cents, cancelled_orders
         FROM (
           SELECT day AS sold_on, orders, units, revenue_cents, cancelled_orders
             FROM daily_sales FINAL
            WHERE ${inRange('day', range)}
         )
        ORDER BY sold_on`,
    );
    // The range's latest order, by placed_at then order id as in PostgreSQL; rows of one order are alike, so no FINAL.
    const [latest] = await this.rows<{ currency: string }>(
      `SELECT currency FROM order_fact
        WHERE ${inRange('placed_on', range)}
        ORDER BY placed_at_ms DESC, order_id DESC
        LIMIT 1`,
    );
    return {
      currency: latest?.currency ?? null,
      days: rows.map(toDailySales),
    };
  }

  async topProducts(range: DayRange, limit: number): Promise<ProductSales[]> {
    const rows = await this.rows<ProductSalesRow>(
      `SELECT product_id, sum(day_units) AS units, sum(day_revenue_cents) AS revenue_cents
         FROM (
           SELECT product_id, units AS day_units, revenue_cents AS day_revenue_cents
             FROM daily_product_sales FINAL
            WHERE ${inRange('day', range)} AND units > 0
         )
        GROUP BY product_id
        ORDER BY units DESC, revenue_cents DESC, product_id
        LIMIT ${integer(limit)}`,
    );
    const names = await this.latestNames(rows.map((row) => Number(row.product_id)));
    return rows.map((row) => toProductSales(row, names.get(Number(row.product_id)) ?? ''));
  }

  async customers(range: DayRange): Promise<CustomerCounts> {
    // A buyer is in the range when their last order that stands (up to its end) is in it.
    const [row] = await this.rows<{ new_customers: Count; returning_customers: Count }>(
      `SELECT countIf(first_day >= ${day(range.from)}) AS new_customers,
              countIf(first_day < ${day(range.from)}) AS returning_customers
         FROM (
           SELECT user_id, min(placed_on) AS first_day, max(placed_on) AS last_day
             FROM order_fact FINAL
            WHERE placed_on <= ${day(range.to)} AND ${STANDS}
            GROUP BY user_id
         )
        WHERE last_day >= ${day(range.from)}`,
    );
    return {
      newCustomers: Number(row?.new_customers ?? 0),
      returningCustomers: Number(row?.returning_customers ?? 0),
    };
  }

  async boughtWith(productId: number, limit: number): Promise<BoughtTogether> {
    const product = integer(productId);
    // The orders that stand holding the product, as a set: duplicate lines make no difference.
    const baseOrders = `SELECT order_id FROM order_line_fact WHERE product_id = ${product} AND ${STANDS}`;
    const [base] = await this.rows<{ orders: Count }>(`SELECT uniqExact(order_id) AS orders FROM (${baseOrders})`);
    const rows = await this.rows<{ product_id: number; orders: Count }>(
      `SELECT product_id, count() AS orders
         FROM order_line_fact FINAL
        WHERE product_id != ${product} AND order_id IN (${baseOrders})
        GROUP BY product_id
        ORDER BY orders DESC, product_id
        LIMIT ${integer(limit)}`,
    );
    const names = await this.latestNames(rows.map((row) => row.product_id));
    return {
      baseOrders: Number(base?.orders ?? 0),
      items: rows.map((row) => ({
        productId: Number(row.product_id),
        name: names.get(Number(row.product_id)) ?? '',
        orders: Number(row.orders),
      })),
    };
  }

  async dailyUnits(range: DayRange): Promise<ProductDayUnits[]> {
    const rows = await this.rows<ProductDayUnitsRow>(
      `SELECT product_id, toString(sold_on) AS day, sold AS units
         FROM (
           SELECT product_id, day AS sold_on, units AS sold
             FROM daily_product_sales FINAL
            WHERE ${inRange('day', range)} AND units > 0
         )
        ORDER BY product_id, sold_on`,
    );
    return rows.map(toProductDayUnits);
  }

  async hasSales(productId: number): Promise<boolean> {
    const rows = await this.rows<{ one: number }>(
      `SELECT 1 AS one FROM order_line_fact WHERE product_id = ${integer(productId)} AND ${STANDS} LIMIT 1`,
    );
    return rows.length > 0;
  }

  /** Waits for the step under way, then closes the connections; again, it does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.steps;
    await this.client.close();
  }

  /**
   * Facts, then the watermark: a step that dies in between leaves its facts, and the step
   * repeated reads the same events, writes the same rows again (collapsing into those) and
   * then moves the watermark. An empty batch moves nothing but the time of the run.
   */
  private async step(limit: number, toFacts: (events: LoggedEvent[]) => EtlFacts): Promise<EtlStep> {
    let state: EtlState = { watermark: 0, lastEventId: '', ranAtMs: null, version: 0 };
    const start = async (held: Pick<EventLogReader, 'idAt'>) => {
      state = await this.state();
      if (state.watermark > 0 && (await held.idAt(state.watermark)) !== state.lastEventId) {
        this.onNewLog?.(state.watermark);
        state = await this.startOver(state);
      }
      return state.watermark;
    };
    return this.log.readPast(limit, start, async (events) => {
      const last = events.at(-1);
      if (last) {
        const facts = toFacts(events);
        await this.addOrders(facts);
        await this.addCancellations(facts);
        // Every order of the step, held before or not: a repeated step rebuilds the days
        // its first try may have died before rebuilding.
        const orderIds = [...facts.orders, ...facts.cancellations].map((fact) => fact.orderId);
        await this.rebuildDays(await this.placementDays(orderIds), state.version + 1);
        await this.beforeWatermark?.();
      }
      const watermark = last?.sequence ?? state.watermark;
      await this.insert('etl_state', [
        {
          name: ROLLUPS,
          watermark,
          last_event_id: last?.id ?? state.lastEventId,
          ran_at_ms: Date.now(),
          version: state.version + 1,
        },
      ]);
      return { applied: events.length, watermark };
    });
  }

  /** The newest row of etl_state: whichever rows a merge has not collapsed yet, the highest version is the one in force. */
  private async state(): Promise<EtlState> {
    const [row] = await this.rows<{ watermark: Count; last_event_id: string; ran_at_ms: Count; version: Count }>(
      `SELECT watermark, last_event_id, ran_at_ms, version FROM etl_state
        WHERE name = '${ROLLUPS}' ORDER BY version DESC LIMIT 1`,
    );
    if (!row) return { watermark: 0, lastEventId: '', ranAtMs: null, version: 0 };
    return {
      watermark: Number(row.watermark),
      lastEventId: row.last_event_id,
      ranAtMs: Number(row.ran_at_ms),
      version: Number(row.version),
    };
  }

  /**
   * Empties the facts and sets the watermark back to 0: they are rebuilt from the log's
   * first event on. Dying half-way leaves the old watermark, so the next step starts over again.
   */
  private async startOver(state: EtlState): Promise<EtlState> {
    for (const table of FACT_TABLES) await this.client.command({ query: `TRUNCATE TABLE ${table}` });
    const fresh = { watermark: 0, lastEventId: '', ranAtMs: Date.now(), version: state.version + 1 };
    await this.insert('etl_state', [
      { name: ROLLUPS, watermark: 0, last_event_id: '', ran_at_ms: Date.now(), version: fresh.version },
    ]);
    return fresh;
  }

  /**
   * New orders and their lines; an order held already keeps the facts it has. The lines go
   * in first: an order is held once its order_fact row is, so a step that died between the
   * two writes finds the order missing on its repeat and writes both again.
   */
  private async addOrders(facts: EtlFacts): Promise<void> {
    const held = await this.heldIds(
      'order_fact',
      facts.orders.map((order) => order.orderId),
    );
    const orders = facts.orders.filter((order) => !held.has(order.orderId));
    if (orders.length === 0) return;
    await this.insert(
      'order_line_fact',
      orders.flatMap((order) =>
        order.lines.map((line) => ({
          order_id: order.orderId,
          product_id: line.productId,
          placed_at_ms: order.placedAt.getTime(),
          placed_on: order.placedOn,
          name: line.name,
          quantity: line.quantity,
          revenue_cents: line.revenueCents,
        })),
      ),
    );
    await this.insert(
      'order_fact',
      orders.map((order) => ({
        order_id: order.orderId,
        user_id: order.userId,
        placed_at_ms: order.placedAt.getTime(),
        placed_on: order.placedOn,
        currency: order.currency,
        units: order.units,
        revenue_cents: order.revenueCents,
      })),
    );
  }

  /** The days (YYYY-MM-DD) the held orders among `orderIds` were placed on. */
  private async placementDays(orderIds: readonly number[]): Promise<string[]> {
    const days = new Set<string>();
    for (let start = 0; start < orderIds.length; start += IDS_PER_QUERY) {
      const slice = orderIds.slice(start, start + IDS_PER_QUERY);
      const rows = await this.rows<{ day: string }>(
        `SELECT DISTINCT toString(placed_on) AS day FROM order_fact WHERE order_id IN (${integers(slice)})`,
      );
      for (const row of rows) days.add(row.day);
    }
    return [...days];
  }

  /**
   * Writes the daily rollups of `days` again from the facts, under `version`: the newest
   * version of a day (of a day and product) is the one the reads see.
   */
  private async rebuildDays(days: readonly string[], version: number): Promise<void> {
    if (days.length === 0) return;
    const touched = `placed_on IN (${days.map(day).join(', ')})`;
    await this.client.command({
      query: `INSERT INTO daily_sales (day, orders, units, revenue_cents, cancelled_orders, version)
        SELECT placed_on, toUInt32(countIf(NOT cancelled)), sumIf(order_units, NOT cancelled),
               sumIf(order_revenue_cents, NOT cancelled), toUInt32(countIf(cancelled)), ${integer(version)}
          FROM (
            SELECT placed_on, units AS order_units, revenue_cents AS order_revenue_cents, ${CANCELLED} AS cancelled
              FROM order_fact FINAL
             WHERE ${touched}
          )
         GROUP BY placed_on`,
    });
    await this.client.command({
      query: `INSERT INTO daily_product_sales (day, product_id, units, revenue_cents, version)
        SELECT placed_on, product_id, sumIf(line_quantity, NOT cancelled), sumIf(line_revenue_cents, NOT cancelled),
               ${integer(version)}
          FROM (
            SELECT placed_on, product_id, quantity AS line_quantity, revenue_cents AS line_revenue_cents,
                   ${CANCELLED} AS cancelled
              FROM order_line_fact FINAL
             WHERE ${touched}
          )
         GROUP BY placed_on, product_id`,
    });
  }

  /** New cancellations; an order cancelled already keeps the time it has. */
  private async addCancellations(facts: EtlFacts): Promise<void> {
    const held = await this.heldIds(
      'order_cancellation',
      facts.cancellations.map((fact) => fact.orderId),
    );
    const cancellations = facts.cancellations.filter((fact) => !held.has(fact.orderId));
    if (cancellations.length === 0) return;
    await this.insert(
      'order_cancellation',
      cancellations.map((fact) => ({ order_id: fact.orderId, cancelled_at_ms: fact.cancelledAt.getTime() })),
    );
  }

  /** Which of `orderIds` `table` holds, asked in slices so that no query grows past the server's limit. */
  private async heldIds(table: 'order_fact' | 'order_cancellation', orderIds: readonly number[]): Promise<Set<number>> {
    const held = new Set<number>();
    for (let start = 0; start < orderIds.length; start += IDS_PER_QUERY) {
      const slice = orderIds.slice(start, start + IDS_PER_QUERY);
      const rows = await this.rows<{ order_id: number }>(
        `SELECT DISTINCT order_id FROM ${table} WHERE order_id IN (${integers(slice)})`,
      );
      for (const row of rows) held.add(Number(row.order_id));
    }
    return held;
  }

  /** The name on each product's latest order line (cancelled or not: it is the product's name that counts). */
  private async latestNames(productIds: readonly number[]): Promise<Map<number, string>> {
    if (productIds.length === 0) return new Map();
    const rows = await this.rows<{ product_id: number; name: string }>(
      `SELECT product_id, name FROM order_line_fact
        WHERE product_id IN (${integers(productIds)})
        ORDER BY placed_at_ms DESC, order_id DESC
        LIMIT 1 BY product_id`,
    );
    return new Map(rows.map((row) => [Number(row.product_id), row.name]));
  }

  private async insert(table: string, values: readonly Record<string, unknown>[]): Promise<void> {
    if (values.length === 0) return;
    await this.client.insert({ table, values, format: 'JSONEachRow' });
  }

  private async rows<T>(query: string): Promise<T[]> {
    const result = await this.client.query({ query, format: 'JSONEachRow' });
    return result.json<T>();
  }
}

/** `column` between the range's first and last day, both included. */
function inRange(column: string, range: DayRange): string {
  return `${column} BETWEEN ${day(range.from)} AND ${day(range.to)}`;
}

/** Creates the database when missing, through a client of its own: one opened on a missing database fails every query. */
async function createDatabase(url: string, database: string): Promise<void> {
  const server = createClient({ url });
  try {
    await server.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  } finally {
    await server.close();
  }
}
