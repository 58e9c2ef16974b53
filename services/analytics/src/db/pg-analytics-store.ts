import { type Db, queryRows } from '@shop/platform';
import { type SQL, sql } from 'drizzle-orm';
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
  LoggedEvent,
  ProductDayUnits,
  ProductSales,
} from '../domain/ports.ts';
import { lockedEventsPast } from './pg-event-log-reader.ts';
import {
  dailyProductSales,
  dailySales,
  etlState,
  event,
  orderCancellation,
  orderFact,
  orderLineFact,
  productName,
} from './schema.ts';
import {
  type Count,
  type DailySalesRow,
  type ProductDayUnitsRow,
  type ProductSalesRow,
  toDailySales,
  toProductDayUnits,
  toProductSales,
} from './store-rows.ts';

/** The name of the rollups' row in etl_state. */
export const ROLLUPS = 'rollups';

/** JSON text for one bound parameter, read back in SQL with jsonb_to_recordset: one parameter for any number of rows. */
const json = (value: unknown): SQL => sql`${JSON.stringify(value)}::jsonb`;

/** The UTC days of `days` (a JSON array of YYYY-MM-DD) as a set to filter on. */
const dayList = (days: readonly string[]): SQL =>
  sql`(select value::date from jsonb_array_elements_text(${json(days)}))`;

/**
 * The rollups in PostgreSQL (or PGlite): order facts, cancellations, and per-day sales
 * rebuilt from them. The OLAP store of a small shop, next to its event log.
 */
export class PgAnalyticsStore implements AnalyticsStore {
  constructor(
    private readonly db: Db,
    private readonly beforeWatermark?: BeforeWatermark,
  ) {}

  applyNext(limit: number, toFacts: (events: LoggedEvent[]) => EtlFacts): Promise<EtlStep> {
    return this.db.transaction(async (tx) => {
      const watermark = await lockWatermark(tx);
      const events = await lockedEventsPast(tx, watermark, limit);
      const last = events.at(-1);
      if (!last) {
        await setWatermark(tx, watermark);
        return { applied: 0, watermark };
      }
      const facts = toFacts(events);
      await addOrders(tx, facts);
      await renameProducts(tx, facts);
      await addCancellations(tx, facts);
      const orderIds = [...facts.orders, ...facts.cancellations].map((fact) => fact.orderId);
      await rebuildDays(tx, await placementDays(tx, orderIds));
      await this.beforeWatermark?.();
      await setWatermark(tx, last.sequence);
      return { applied: events.length, watermark: last.sequence };
    });
  }

  async status(): Promise<EtlStatus> {
    const [row] = await queryRows<{ events: Count; watermark: Count; ran_at: string | Date | null; pending: Count }>(
      this.db,
      sql`select (select count(*) from ${event}) as events,
                 coalesce(state.watermark, 0) as watermark,
                 state.ran_at,
                 (select count(*) from ${event} where sequence > coalesce(state.watermark, 0)) as pending
            from (select 1) as one
            left join ${etlState} as state on state.name = ${ROLLUPS}`,
    );
    return {
      events: Number(row?.events ?? 0),
      watermark: Number(row?.watermark ?? 0),
      lastRunAt: row?.ran_at ? new Date(row.ran_at) : null,
      pendingEvents: Number(row?.pending ?? 0),
    };
  }

  async dailySales(range: DayRange): Promise<{ currency: string | null; days: DailySales[] }> {
    const rows = await queryRows<DailySalesRow>(
      this.db,
      sql`select to_char(day, 'YYYY-MM-DD') as day, orders, units, revenue_cents, cancelled_orders
            from ${dailySales}
           where day between ${range.from}::date and ${range.to}::date
           order by day`,
    );
    const [latest] = await queryRows<{ currency: string }>(
      this.db,
      // The range's last day with an order, from the rollup, then that day's facts alone
      // (placed_on is indexed): not every order fact of the range read and sorted.
      sql`select currency from ${orderFact}
           where placed_on = (select max(day) from ${dailySales}
                               where day between ${range.from}::date and ${range.to}::date
                                 and (orders > 0 or cancelled_orders > 0))
           order by placed_at desc, order_id desc
           limit 1`,
    );
    return {
      currency: latest?.currency ?? null,
      days: rows.map(toDailySales),
    };
  }

  async topProducts(range: DayRange, limit: number): Promise<ProductSales[]> {
    const rows = await queryRows<ProductSalesRow & { name: string }>(
      this.db,
      sql`with totals as (
            select product_id, sum(units) as units, sum(revenue_cents) as revenue_cents
              from ${dailyProductSales}
             where day between ${range.from}::date and ${range.to}::date
             group by product_id
             order by units desc, revenue_cents desc, product_id
             limit ${limit}
          )
          select totals.product_id, totals.units, totals.revenue_cents, ${latestName(sql`totals.product_id`)} as name
            from totals
           order by totals.units desc, totals.revenue_cents desc, totals.product_id`,
    );
    return rows.map((row) => toProductSales(row, row.name));
  }

  async customers(range: DayRange): Promise<CustomerCounts> {
    const [row] = await queryRows<{ new_customers: Count; returning_customers: Count }>(
      this.db,
      sql`select count(*) filter (where first_day >= ${range.from}::date) as new_customers,
                 count(*) filter (where first_day < ${range.from}::date) as returning_customers
            from (
              select f.user_id,
                     min(f.placed_on) as first_day,
                     bool_or(f.placed_on >= ${range.from}::date) as in_range
                from ${orderFact} as f
               where f.placed_on <= ${range.to}::date
                 and not exists (select 1 from ${orderCancellation} as c where c.order_id = f.order_id)
               group by f.user_id
            ) as buyers
           where in_range`,
    );
    return {
      newCustomers: Number(row?.new_customers ?? 0),
      returningCustomers: Number(row?.returning_customers ?? 0),
    };
  }

  async boughtWith(productId: number, limit: number): Promise<BoughtTogether> {
    const rows = await queryRows<{
      base_orders: Count;
      product_id: number | null;
      orders: Count | null;
      name: string | null;
    }>(
      this.db,
      sql`with base as (
            select l.order_id
              from ${orderLineFact} as l
             where l.product_id = ${productId}
               and not exists (select 1 from ${orderCancellation} as c where c.order_id = l.order_id)
          ),
          together as (
            select l.product_id, count(*) as orders
              from ${orderLineFact} as l
              join base on base.order_id = l.order_id
             where l.product_id <> ${productId}
             group by l.product_id
             order by orders desc, l.product_id
             limit ${limit}
          )
          select counted.base_orders, together.product_id, together.orders,
                 ${latestName(sql`together.product_id`)} as name
            from (select count(*) as base_orders from base) as counted
            left join together on true
           order by together.orders desc, together.product_id`,
    );
    return {
      baseOrders: Number(rows[0]?.base_orders ?? 0),
      items: rows.flatMap((row) =>
        row.product_id === null
          ? []
          : [{ productId: Number(row.product_id), name: row.name ?? '', orders: Number(row.orders) }],
      ),
    };
  }

  async dailyUnits(range: DayRange): Promise<ProductDayUnits[]> {
    const rows = await queryRows<ProductDayUnitsRow>(
      this.db,
      sql`select product_id, to_char(day, 'YYYY-MM-DD') as day, units
            from ${dailyProductSales}
           where day between ${range.from}::date and ${range.to}::date
           order by product_id, day`,
    );
    return rows.map(toProductDayUnits);
  }

  async hasSales(productId: number): Promise<boolean> {
    const rows = await queryRows<{ one: number }>(
      this.db,
      sql`select 1 as one
            from ${orderLineFact} as l
           where l.product_id = ${productId}
             and not exists (select 1 from ${orderCancellation} as c where c.order_id = l.order_id)
           limit 1`,
    );
    return rows.length > 0;
  }

  async close(): Promise<void> {}
}

/** The name on the product's latest order line (cancelled or not: it is the product's name that counts). */
function latestName(productId: SQL): SQL {
  return sql`(select n.name from ${productName} as n where n.product_id = ${productId})`;
}

/**
 * The rollups' watermark, its row locked until the step commits: two steps (two replicas)
 * never run at once, so neither rebuilds a day from facts the other is still adding.
 */
async function lockWatermark(tx: Db): Promise<number> {
  await tx.execute(sql`insert into ${etlState} (name) values (${ROLLUPS}) on conflict do nothing`);
  const [row] = await queryRows<{ watermark: Count }>(
    tx,
    sql`select watermark from ${etlState} where name = ${ROLLUPS} for update`,
  );
  return Number(row?.watermark ?? 0);
}

async function setWatermark(tx: Db, watermark: number): Promise<void> {
  await tx.execute(sql`update ${etlState} set watermark = ${watermark}, ran_at = now() where name = ${ROLLUPS}`);
}

/** New orders and their lines; an order held already keeps the facts it has. */
async function addOrders(tx: Db, facts: EtlFacts): Promise<void> {
  if (facts.orders.length === 0) return;
  const orders = facts.orders.map((order) => ({
    order_id: order.orderId,
    user_id: order.userId,
    placed_at: order.placedAt.toISOString(),
    placed_on: order.placedOn,
    currency: order.currency,
    units: order.units,
    revenue_cents: order.revenueCents,
    lines: order.lines.map((line) => ({
      product_id: line.productId,
      name: line.name,
      quantity: line.quantity,
      revenue_cents: line.revenueCents,
    })),
  }));
  await tx.execute(sql`
    with incoming as (
      select *
        from jsonb_to_recordset(${json(orders)}) as x (
          order_id integer, user_id integer, placed_at timestamptz, placed_on date, currency text,
          units bigint, revenue_cents bigint, lines jsonb)
    ),
    added as (
      insert into ${orderFact} (order_id, user_id, placed_at, placed_on, currency, units, revenue_cents)
      select order_id, user_id, placed_at, placed_on, currency, units, revenue_cents from incoming
      on conflict (order_id) do nothing
      returning order_id
    )
    insert into ${orderLineFact} (order_id, product_id, name, quantity, revenue_cents)
    select incoming.order_id, line.product_id, line.name, line.quantity, line.revenue_cents
      from incoming
      join added on added.order_id = incoming.order_id
      cross join lateral jsonb_to_recordset(incoming.lines)
        as line (product_id integer, name text, quantity integer, revenue_cents bigint)
    on conflict do nothing`);
}

/**
 * Each product of the orders' lines takes its line's name when that order is its latest
 * (by placed_at, then order id). Orders held already change nothing: their lines are the
 * ones they were.
 */
async function renameProducts(tx: Db, facts: EtlFacts): Promise<void> {
  if (facts.orders.length === 0) return;
  const orderIds = facts.orders.map((order) => order.orderId);
  await tx.execute(sql`
    insert into ${productName} (product_id, name, placed_at, order_id)
    select distinct on (l.product_id) l.product_id, l.name, f.placed_at, f.order_id
      from ${orderLineFact} as l
      join ${orderFact} as f on f.order_id = l.order_id
     where l.order_id in (select value::integer from jsonb_array_elements_text(${json(orderIds)}))
     order by l.product_id, f.placed_at desc, f.order_id desc
    on conflict (product_id) do update
       set name = excluded.name, placed_at = excluded.placed_at, order_id = excluded.order_id
     where (excluded.placed_at, excluded.order_id) > (${productName}.placed_at, ${productName}.order_id)`);
}

async function addCancellations(tx: Db, facts: EtlFacts): Promise<void> {
  if (facts.cancellations.length === 0) return;
  const cancellations = facts.cancellations.map((cancellation) => ({
    order_id: cancellation.orderId,
    cancelled_at: cancellation.cancelledAt.toISOString(),
  }));
  await tx.execute(sql`
    insert into ${orderCancellation} (order_id, cancelled_at)
    select order_id, cancelled_at
      from jsonb_to_recordset(${json(cancellations)}) as x (order_id integer, cancelled_at timestamptz)
    on conflict (order_id) do nothing`);
}

/** The days the orders were placed on (a cancellation of an order not yet placed touches none). */
async function placementDays(tx: Db, orderIds: readonly number[]): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const rows = await queryRows<{ day: string }>(
    tx,
    sql`select distinct to_char(placed_on, 'YYYY-MM-DD') as day
          from ${orderFact}
         where order_id in (select value::integer from jsonb_array_elements_text(${json(orderIds)}))`,
  );
  return rows.map((row) => row.day);
}

/** Recomputes the daily rollups of `days` from the facts: whatever they held before, they now match the facts. */
async function rebuildDays(tx: Db, days: readonly string[]): Promise<void> {
  if (days.length === 0) return;
  await tx.execute(sql`delete from ${dailySales} where day in ${dayList(days)}`);
  await tx.execute(sql`
    insert into ${dailySales} (day, orders, units, revenue_cents, cancelled_orders)
    select f.placed_on,
           count(*) filter (where c.order_id is null),
           coalesce(sum(f.units) filter (where c.order_id is null), 0),
           coalesce(sum(f.revenue_cents) filter (where c.order_id is null), 0),
           count(c.order_id)
      from ${orderFact} as f
      left join ${orderCancellation} as c on c.order_id = f.order_id
     where f.placed_on in ${dayList(days)}
     group by f.placed_on`);
  await tx.execute(sql`delete from ${dailyProductSales} where day in ${dayList(days)}`);
  await tx.execute(sql`
    insert into ${dailyProductSales} (day, product_id, units, revenue_cents)
    select f.placed_on, l.product_id, sum(l.quantity), sum(l.revenue_cents)
      from ${orderFact} as f
      join ${orderLineFact} as l on l.order_id = f.order_id
     where f.placed_on in ${dayList(days)}
       and not exists (select 1 from ${orderCancellation} as c where c.order_id = f.order_id)
     group by f.placed_on, l.product_id`);
}
