import type { OrderPlaced } from '@shop/contracts';
import { type CloudEvent, mulberry32 } from '@shop/platform';
import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PgEventLog } from '../../src/db/pg-event-log.ts';
import type { IncomingEvent } from '../../src/domain/ports.ts';
import { EXPECTED_DAILY, EXPECTED_DAILY_PRODUCTS, fixtureEvents } from '../fixture.ts';
import {
  bearer,
  buildTestAnalytics,
  type DailyProductRow,
  type DailyRow,
  orderCancelled,
  orderPlaced,
  publishAndLog,
  rollups,
  settle,
  snapshot,
  type TestAnalytics,
} from '../helpers.ts';

function incoming(event: CloudEvent | undefined): IncomingEvent {
  if (!event) throw new Error('no event');
  return { id: event.id, type: event.type, source: event.source, time: new Date(event.time), data: event.data };
}

/** Every table but etl_state, whose ran_at moves at each run. */
async function figures(service: TestAnalytics) {
  const { etl_state: _ranAt, ...rest } = await snapshot(service.database);
  return rest;
}

describe.each(databaseTargets())('the ETL into the rollups ($name)', (target) => {
  let service: TestAnalytics;

  beforeAll(async () => {
    service = await buildTestAnalytics(target, { etlBatchSize: 4 });
  });
  beforeEach(async () => {
    await service.reset();
  });
  afterAll(async () => {
    await service?.close();
  });

  it('when orders, cancellations and a cancellation ahead of its order are taken in, then the rollups hold the figures worked out by hand', async () => {
    const { placements, cancellations } = fixtureEvents();
    const [cancelFour, cancelFive] = cancellations;
    // The cancellation of order 4 is taken in by a run of its own, before its order exists.
    await publishAndLog(service, [cancelFour], 1);
    expect(await service.context.refresh()).toMatchObject({ appliedEvents: 1, watermark: 1 });
    expect(await rollups(service.database)).toEqual({ daily: [], products: [] });

    await publishAndLog(service, [...placements, cancelFive], 9);
    expect(await service.context.refresh()).toMatchObject({ appliedEvents: 8, watermark: 9 });

    expect(await rollups(service.database)).toEqual({ daily: EXPECTED_DAILY, products: EXPECTED_DAILY_PRODUCTS });
    const response = await service.app.inject({
      method: 'GET',
      url: '/api/admin/analytics/sales?from=2026-03-02&to=2026-04-01',
      headers: bearer(service.tokens.admin),
    });
    expect(response.statusCode, response.body).toBe(200);
    const items = response.json().items as Array<Record<string, number | string>>;
    expect(items).toHaveLength(31);
    expect(items.filter((item) => item.orders !== 0 || item.cancelled_orders !== 0)).toEqual(
      EXPECTED_DAILY.map((day) => ({
        period: day.day,
        orders: day.orders,
        units: day.units,
        revenue_cents: day.revenue_cents,
        average_order_cents: day.orders === 0 ? 0 : Math.round(day.revenue_cents / day.orders),
        cancelled_orders: day.cancelled_orders,
      })),
    );
  });

  it('when the ETL runs again with nothing new, then nothing changes', async () => {
    const { inOrder } = fixtureEvents();
    await publishAndLog(service, inOrder, inOrder.length);
    await service.context.refresh();
    const before = await figures(service);

    expect(await service.context.refresh()).toMatchObject({ appliedEvents: 0, watermark: inOrder.length });
    expect(await figures(service)).toEqual(before);
    expect((await rollups(service.database)).daily).toEqual(EXPECTED_DAILY);
  });

  it('when every event is delivered twice, or an order is announced again under a new event id, then each order counts once', async () => {
    const { inOrder, placements } = fixtureEvents();
    await publishAndLog(service, inOrder, inOrder.length);
    await publishAndLog(service, inOrder, inOrder.length);
    await service.context.refresh();
    expect(await rollups(service.database)).toEqual({ daily: EXPECTED_DAILY, products: EXPECTED_DAILY_PRODUCTS });

    // Order 1 again, under a new id and with other lines: the first placement stands.
    const again = orderPlaced({
      order_id: 1,
      user_id: 10,
      time: '2026-03-04T09:00:00Z',
      lines: [{ product_id: 9, quantity: 5, unit_price_cents: 100 }],
    });
    await publishAndLog(service, [again, ...placements], inOrder.length + 1);
    expect(await service.context.refresh()).toMatchObject({ appliedEvents: 1 });
    expect(await rollups(service.database)).toEqual({ daily: EXPECTED_DAILY, products: EXPECTED_DAILY_PRODUCTS });
  });

  // PGlite is one connection: a transaction there cannot stay open while another commits.
  // Declared for PostgreSQL only, so no run shows it skipped.
  const onPostgres = target.name === 'postgres' ? it : () => undefined;
  onPostgres(
    'when an event holding an earlier sequence commits after a later one, then the ETL waits for it and counts both',
    async () => {
      const [first, second] = fixtureEvents().placements;
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let appended = () => {};
      const firstAppended = new Promise<void>((resolve) => {
        appended = resolve;
      });
      const slowWriter = service.database.db.transaction(async (tx) => {
        await new PgEventLog(tx).append(incoming(first));
        appended();
        await held;
      });
      await firstAppended;
      await new PgEventLog(service.database.db).append(incoming(second));

      let refreshed = false;
      const refresh = service.context.refresh().finally(() => {
        refreshed = true;
      });
      await settle(300);
      expect(refreshed).toBe(false);
      release();
      await slowWriter;

      expect(await refresh).toMatchObject({ appliedEvents: 2, watermark: 2 });
      const daily = (await rollups(service.database)).daily;
      expect(daily).toEqual([{ day: '2026-03-02', orders: 2, units: 4, revenue_cents: 3500, cancelled_orders: 0 }]);
    },
  );

  it('when many events arrive while the ETL runs again and again, in batches, then the rollups equal the figures computed from the events', async () => {
    const { events, expected } = generatedShop(7);
    const arriving = (async () => {
      for (const event of events) await service.bus.publish(event);
    })();
    const refreshing = (async () => {
      for (let i = 0; i < 10; i += 1) await service.context.refresh();
    })();
    await Promise.all([arriving, refreshing]);
    const distinct = new Set(events.map((event) => event.id)).size;
    await publishAndLog(service, [], distinct);
    const result = await service.context.refresh();

    // A duplicate's insert takes a sequence number it then leaves unused: the watermark is the last one used.
    const status = await service.context.reports.store.status();
    expect(status).toMatchObject({ events: distinct, pendingEvents: 0, watermark: result.watermark });
    expect(result.watermark).toBeGreaterThanOrEqual(distinct);
    expect(await rollups(service.database)).toEqual(expected);
  });
});

/** A deterministic random stream, so a failing case can be replayed. */
const random = mulberry32;

/**
 * 80 orders over 12 days by 15 customers, a quarter cancelled (some cancellations sent
 * before their order), a tenth of the events sent twice, all shuffled; and the daily
 * rollups they make, computed here the plain way.
 */
function generatedShop(seed: number): {
  events: CloudEvent[];
  expected: { daily: DailyRow[]; products: DailyProductRow[] };
} {
  const next = random(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const events: CloudEvent[] = [];
  const placed: Array<{ data: OrderPlaced; day: string; cancelled: boolean }> = [];
  for (let orderId = 1; orderId <= 80; orderId += 1) {
    const day = `2026-05-${String(1 + pick(12)).padStart(2, '0')}`;
    const lines = Array.from({ length: 1 + pick(3) }, () => ({
      product_id: 1 + pick(5),
      quantity: 1 + pick(4),
      unit_price_cents: 100 * (1 + pick(20)),
    }));
    const event = orderPlaced({
      order_id: orderId,
      user_id: 1 + pick(15),
      time: `${day}T${String(pick(24)).padStart(2, '0')}:${String(pick(60)).padStart(2, '0')}:00Z`,
      lines,
    });
    const cancelled = next() < 0.25;
    placed.push({ data: event.data, day, cancelled });
    events.push(event);
    if (cancelled) events.push(orderCancelled({ order_id: orderId, time: `${day}T23:59:59Z` }));
  }
  for (const event of [...events]) if (next() < 0.1) events.push(event);
  for (let i = events.length - 1; i > 0; i -= 1) {
    const j = pick(i + 1);
    [events[i], events[j]] = [events[j] as CloudEvent, events[i] as CloudEvent];
  }

  const daily = new Map<string, DailyRow>();
  const products = new Map<string, DailyProductRow>();
  for (const { data, day, cancelled } of placed) {
    const row = daily.get(day) ?? { day, orders: 0, units: 0, revenue_cents: 0, cancelled_orders: 0 };
    daily.set(day, row);
    if (cancelled) {
      row.cancelled_orders += 1;
      continue;
    }
    row.orders += 1;
    row.revenue_cents += data.total_cents;
    for (const item of data.items) {
      row.units += item.quantity;
      const key = `${day}/${String(item.product_id).padStart(3, '0')}`;
      const product = products.get(key) ?? { day, product_id: item.product_id, units: 0, revenue_cents: 0 };
      products.set(key, product);
      product.units += item.quantity;
      product.revenue_cents += item.line_total_cents;
    }
  }
  const sorted = <T>(map: Map<string, T>) =>
    [...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
  return { events, expected: { daily: sorted(daily), products: sorted(products) } };
}
