import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  BIGINT,
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
  INTEGER,
  type Json,
  LIST,
  listValue,
  VARCHAR,
} from '@duckdb/node-api';
import {
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

export interface DuckDbStoreOptions {
  /** The database file (created with its folder when missing), or ':memory:'. */
  path: string;
  /** The event log the ETL reads. */
  log: EventLogReader;
  /** A fault the tests inject between a step's facts and its watermark. */
  beforeWatermark?: BeforeWatermark;
  /** DuckDB's memory_limit; it would take 80 % of the machine's RAM otherwise. */
  memoryLimit?: string;
  /** Told when the log is not the one the file counted (a new database): the file's figures are dropped and rebuilt. */
  onNewLog?: (watermark: number) => void;
}

/** The tables, created at open when missing. The daily rollups have no key: a step deletes and rebuilds their days. */
const SCHEMA = `
  create table if not exists etl_state (
    name varchar primary key,
    watermark bigint not null,
    -- The id of the event at the watermark: tells whether the log is still the one counted in.
    last_event_id varchar,
    ran_at_ms bigint
  );
  create table if not exists order_fact (
    order_id integer primary key,
    user_id integer not null,
    placed_at timestamptz not null,
    placed_on date not null,
    currency varchar not null,
    units bigint not null,
    revenue_cents bigint not null
  );
  create table if not exists order_line_fact (
    order_id integer not null,
    product_id integer not null,
    name varchar not null,
    quantity integer not null,
    revenue_cents bigint not null
  );
  create table if not exists order_cancellation (
    order_id integer primary key,
    cancelled_at timestamptz not null
  );
  create table if not exists daily_sales (
    day date not null,
    orders integer not null,
    units bigint not null,
    revenue_cents bigint not null,
    cancelled_orders integer not null
  );
  create table if not exists daily_product_sales (
    day date not null,
    product_id integer not null,
    units bigint not null,
    revenue_cents bigint not null
  );`;

const TABLES = [
  'etl_state',
  'order_fact',
  'order_line_fact',
  'order_cancellation',
  'daily_sales',
  'daily_product_sales',
] as const;

/** The row of etl_state that holds the rollups' watermark. */
const ROLLUPS = 'rollups';

type Row = Record<string, Json>;

/**
 * The OLAP store in DuckDB, a file beside the embedded database: order facts,
 * cancellations and the daily rollups, kept as PostgreSQL keeps them (db/pg-analytics-store.ts),
 * read with the same SQL where the dialects agree. A step reads the log with new events held
 * off (EventLogReader.readPast) and writes its facts, rollups and watermark in one DuckDB
 * transaction, so a crash anywhere before its commit leaves nothing behind. Steps of one
 * store never overlap; DuckDB locks its file, so no other process writes it.
 */
export class DuckDbAnalyticsStore implements AnalyticsStore {
  private steps: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    /** Every write: one transaction at a time. */
    private readonly writer: DuckDBConnection,
    /** The reports, beside the writes (DuckDB's snapshots keep them from seeing a step half-done). */
    private readonly reader: DuckDBConnection,
    private readonly log: EventLogReader,
    private readonly beforeWatermark: BeforeWatermark | undefined,
    private readonly onNewLog: ((watermark: number) => void) | undefined,
  ) {}

  static async open(options: DuckDbStoreOptions): Promise<DuckDbAnalyticsStore> {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    const instance = await DuckDBInstance.create(options.path, {
      memory_limit: options.memoryLimit ?? '256MB',
      threads: '2',
    });
    try {
      const writer = await instance.connect();
      await writer.run(SCHEMA);
      const reader = await instance.connect();
      return new DuckDbAnalyticsStore(instance, writer, reader, options.log, options.beforeWatermark, options.onNewLog);
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  applyNext(limit: number, toFacts: (events: LoggedEvent[]) => EtlFacts): Promise<EtlStep> {
    const step = this.steps.then(() => this.step(limit, toFacts));
    this.steps = step.catch(() => undefined);
    return step;
  }

  async status(): Promise<EtlStatus> {
    const [state] = await this.rows(`select watermark, ran_at_ms from etl_state where name = '${ROLLUPS}'`);
    const watermark = Number(state?.watermark ?? 0);
    const { events, past } = await this.log.count(watermark);
    return {
      events,
      watermark,
      lastRunAt: state?.ran_at_ms == null ? null : new Date(Number(state.ran_at_ms)),
      pendingEvents: past,
    };
  }

  async dailySales(range: DayRange): Promise<{ currency: string | null; days: DailySales[] }> {
    const rows = await this.rows<DailySalesRow>(
      `select strftime(day, '%Y-%m-%d') as day, orders, units, revenue_cents, cancelled_orders
         from daily_sales
        where day between $1::date and $2::date
        order by day`,
      [range.from, range.to],
    );
    const [latest] = await this.rows(
      `select currency from order_fact
        where placed_on = (select max(day) from daily_sales
                            where day between $1::date and $2::date
                              and (orders > 0 or cancelled_orders > 0))
        order by placed_at desc, order_id desc
        limit 1`,
      [range.from, range.to],
    );
    return {
      currency: latest ? String(latest.currency) : null,
      days: rows.map(toDailySales),
    };
  }

  async topProducts(range: DayRange, limit: number): Promise<ProductSales[]> {
    const rows = await this.rows<ProductSalesRow & { name: string }>(
      `with totals as (
         select product_id, sum(units) as units, sum(revenue_cents) as revenue_cents
           from daily_product_sales
          where day between $1::date and $2::date
          group by product_id
          order by units desc, revenue_cents desc, product_id
          limit $3
       )
       select totals.product_id, totals.units, totals.revenue_cents, ${latestName('totals.product_id')} as name
         from totals
        order by totals.units desc, totals.revenue_cents desc, totals.product_id`,
      [range.from, range.to, limit],
    );
    return rows.map((row) => toProductSales(row, row.name));
  }

  async customers(range: DayRange): Promise<CustomerCounts> {
    const [row] = await this.rows(
      `select count(*) filter (where first_day >= $1::date) as new_customers,
              count(*) filter (where first_day < $1::date) as returning_customers
         from (
           select f.user_id,
                  min(f.placed_on) as first_day,
                  bool_or(f.placed_on >= $1::date) as in_range
             from order_fact as f
            where f.placed_on <= $2::date
              and not exists (select 1 from order_cancellation as c where c.order_id = f.order_id)
            group by f.user_id
         ) as buyers
        where in_range`,
      [range.from, range.to],
    );
    return {
      newCustomers: Number(row?.new_customers ?? 0),
      returningCustomers: Number(row?.returning_customers ?? 0),
    };
  }

  async boughtWith(productId: number, limit: number): Promise<BoughtTogether> {
    const rows = await this.rows(
      `with base as (
         select l.order_id
           from order_line_fact as l
          where l.product_id = $1
            and not exists (select 1 from order_cancellation as c where c.order_id = l.order_id)
       ),
       together as (
         select l.product_id, count(*) as orders
           from order_line_fact as l
           join base on base.order_id = l.order_id
          where l.product_id <> $1
          group by l.product_id
          order by orders desc, l.product_id
          limit $2
       )
       select counted.base_orders, together.product_id, together.orders,
              ${latestName('together.product_id')} as name
         from (select count(*) as base_orders from base) as counted
         left join together on true
        order by together.orders desc, together.product_id`,
      [productId, limit],
    );
    return {
      baseOrders: Number(rows[0]?.base_orders ?? 0),
      items: rows.flatMap((row) =>
        row.product_id == null
          ? []
          : [{ productId: Number(row.product_id), name: String(row.name ?? ''), orders: Number(row.orders) }],
      ),
    };
  }

  async dailyUnits(range: DayRange): Promise<ProductDayUnits[]> {
    const rows = await this.rows<ProductDayUnitsRow>(
      `select product_id, strftime(day, '%Y-%m-%d') as day, units
         from daily_product_sales
        where day between $1::date and $2::date
        order by product_id, day`,
      [range.from, range.to],
    );
    return rows.map(toProductDayUnits);
  }

  async hasSales(productId: number): Promise<boolean> {
    const rows = await this.rows(
      `select 1 as one
         from order_line_fact as l
        where l.product_id = $1
          and not exists (select 1 from order_cancellation as c where c.order_id = l.order_id)
        limit 1`,
      [productId],
    );
    return rows.length > 0;
  }

  /** Waits for the step under way, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.steps;
    this.reader.closeSync();
    this.writer.closeSync();
    this.instance.closeSync();
  }

  private async step(limit: number, toFacts: (events: LoggedEvent[]) => EtlFacts): Promise<EtlStep> {
    let lastId: string | null = null;
    const start = async (held: Pick<EventLogReader, 'idAt'>) => {
      const [state] = await this.rows(`select watermark, last_event_id from etl_state where name = '${ROLLUPS}'`);
      const from = Number(state?.watermark ?? 0);
      lastId = state?.last_event_id == null ? null : String(state.last_event_id);
      if (from > 0 && (await held.idAt(from)) !== lastId) {
        this.onNewLog?.(from);
        await this.startOver();
        lastId = null;
        return 0;
      }
      return from;
    };
    return this.log.readPast(limit, start, async (events, from) => {
      const last = events.at(-1);
      const facts = last ? toFacts(events) : undefined;
      const watermark = last?.sequence ?? from;
      await this.writer.run('begin transaction');
      try {
        if (facts) {
          const orderIds = await this.addOrders(facts);
          await this.addCancellations(facts);
          await this.rebuildDays([...orderIds, ...facts.cancellations.map((fact) => fact.orderId)]);
          await this.beforeWatermark?.();
        }
        await this.writer.run(
          `insert into etl_state (name, watermark, last_event_id, ran_at_ms)
           values ('${ROLLUPS}', $1, $2, epoch_ms(now()))
           on conflict (name) do update
             set watermark = excluded.watermark, last_event_id = excluded.last_event_id, ran_at_ms = excluded.ran_at_ms`,
          [BigInt(watermark), last?.id ?? lastId],
          [BIGINT, VARCHAR],
        );
        await this.writer.run('commit');
      } catch (error) {
        await this.writer.run('rollback');
        throw error;
      }
      return { applied: events.length, watermark };
    });
  }

  /** Empties every table: the figures are rebuilt from the log's first event on. */
  private async startOver(): Promise<void> {
    await this.writer.run('begin transaction');
    try {
      for (const table of TABLES) await this.writer.run(`delete from ${table}`);
      await this.writer.run('commit');
    } catch (error) {
      await this.writer.run('rollback');
      throw error;
    }
  }

  /** New orders and their lines; an order held already keeps the facts it has. The ids of those added. */
  private async addOrders(facts: EtlFacts): Promise<number[]> {
    if (facts.orders.length === 0) return [];
    const held = await this.writer.runAndReadAll(
      'select order_id from order_fact where order_id in (select unnest($1))',
      [ints(facts.orders.map((order) => order.orderId))],
      [LIST(INTEGER)],
    );
    const known = new Set(held.getRowObjectsJson().map((row) => Number(row.order_id)));
    const orders = facts.orders.filter((order) => !known.has(order.orderId));
    if (orders.length === 0) return [];
    await this.withColumns(
      `insert into order_fact (order_id, user_id, placed_at, placed_on, currency, units, revenue_cents)
       select order_id, user_id, placed_at::timestamptz, placed_on::date, currency, units, revenue_cents
         from (select unnest($1) as order_id, unnest($2) as user_id, unnest($3) as placed_at, unnest($4) as placed_on,
                      unnest($5) as currency, unnest($6) as units, unnest($7) as revenue_cents)`,
      [
        [ints(orders.map((order) => order.orderId)), INTEGER],
        [ints(orders.map((order) => order.userId)), INTEGER],
        [texts(orders.map((order) => order.placedAt.toISOString())), VARCHAR],
        [texts(orders.map((order) => order.placedOn)), VARCHAR],
        [texts(orders.map((order) => order.currency)), VARCHAR],
        [bigints(orders.map((order) => order.units)), BIGINT],
        [bigints(orders.map((order) => order.revenueCents)), BIGINT],
      ],
    );
    const lines = orders.flatMap((order) => order.lines.map((line) => ({ orderId: order.orderId, ...line })));
    await this.withColumns(
      `insert into order_line_fact (order_id, product_id, name, quantity, revenue_cents)
       select unnest($1), unnest($2), unnest($3), unnest($4), unnest($5)`,
      [
        [ints(lines.map((line) => line.orderId)), INTEGER],
        [ints(lines.map((line) => line.productId)), INTEGER],
        [texts(lines.map((line) => line.name)), VARCHAR],
        [ints(lines.map((line) => line.quantity)), INTEGER],
        [bigints(lines.map((line) => line.revenueCents)), BIGINT],
      ],
    );
    return orders.map((order) => order.orderId);
  }

  private async addCancellations(facts: EtlFacts): Promise<void> {
    if (facts.cancellations.length === 0) return;
    await this.withColumns(
      `insert into order_cancellation (order_id, cancelled_at)
       select order_id, cancelled_at::timestamptz
         from (select unnest($1) as order_id, unnest($2) as cancelled_at)
       on conflict (order_id) do nothing`,
      [
        [ints(facts.cancellations.map((fact) => fact.orderId)), INTEGER],
        [texts(facts.cancellations.map((fact) => fact.cancelledAt.toISOString())), VARCHAR],
      ],
    );
  }

  /** Recomputes the daily rollups of the days `orderIds` were placed on from the facts. */
  private async rebuildDays(orderIds: readonly number[]): Promise<void> {
    if (orderIds.length === 0) return;
    const touched = `(select distinct placed_on from order_fact where order_id in (select unnest($1)))`;
    const ids: [DuckDBValue, DuckDBType] = [ints(orderIds), INTEGER];
    // The days first, into a temporary table: the deletes below must not change which they are.
    await this.withColumns(`create or replace temporary table touched_day as select * from ${touched} as d(day)`, [
      ids,
    ]);
    await this.writer.run('delete from daily_sales where day in (select day from touched_day)');
    await this.writer.run(`
      insert into daily_sales (day, orders, units, revenue_cents, cancelled_orders)
      select f.placed_on,
             count(*) filter (where c.order_id is null),
             coalesce(sum(f.units) filter (where c.order_id is null), 0),
             coalesce(sum(f.revenue_cents) filter (where c.order_id is null), 0),
             count(c.order_id)
        from order_fact as f
        left join order_cancellation as c on c.order_id = f.order_id
       where f.placed_on in (select day from touched_day)
       group by f.placed_on`);
    await this.writer.run('delete from daily_product_sales where day in (select day from touched_day)');
    await this.writer.run(`
      insert into daily_product_sales (day, product_id, units, revenue_cents)
      select f.placed_on, l.product_id, sum(l.quantity), sum(l.revenue_cents)
        from order_fact as f
        join order_line_fact as l on l.order_id = f.order_id
       where f.placed_on in (select day from touched_day)
         and not exists (select 1 from order_cancellation as c where c.order_id = f.order_id)
       group by f.placed_on, l.product_id`);
    await this.writer.run('drop table touched_day');
  }

  /** Runs a statement whose parameters are whole columns (lists), read back with unnest: one statement for any number of rows. */
  private async withColumns(sql: string, columns: ReadonlyArray<[DuckDBValue, DuckDBType]>): Promise<void> {
    await this.writer.run(
      sql,
      columns.map(([values]) => values),
      columns.map(([, type]) => LIST(type)),
    );
  }

  /** The rows of a read, as JSON values (64-bit integers as text), typed as the SQL names its columns. */
  private async rows<T = Row>(sql: string, values: Array<string | number> = []): Promise<T[]> {
    const reader = await this.reader.runAndReadAll(sql, values);
    return reader.getRowObjectsJson() as T[];
  }
}

/** The name on the product's latest order line (cancelled or not: it is the product's name that counts). */
function latestName(productId: string): string {
  return `(select l.name
             from order_line_fact as l
             join order_fact as f on f.order_id = l.order_id
            where l.product_id = ${productId}
            order by f.placed_at desc, f.order_id desc
            limit 1)`;
}

const ints = (values: readonly number[]) => listValue(values);
const bigints = (values: readonly number[]) => listValue(values.map((value) => BigInt(value)));
const texts = (values: readonly string[]) => listValue(values);
