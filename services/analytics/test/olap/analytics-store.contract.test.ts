import type { CloudEvent } from '@shop/platform';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnalyticsStore, DailySales, IncomingEvent } from '../../src/domain/ports.ts';
import { runEtl } from '../../src/domain/run-etl.ts';
import { decodeOrderEvent } from '../../src/events/order-events.ts';
import { EXPECTED_DAILY, EXPECTED_DAILY_PRODUCTS, fixtureEvents } from '../fixture.ts';
import { type OpenedStore, storeTargets } from './store-targets.ts';

const RANGE = { from: '2026-03-01', to: '2026-04-30' };

function incoming(event: CloudEvent): IncomingEvent {
  return { id: event.id, type: event.type, source: event.source, time: new Date(event.time), data: event.data };
}

const etl = (store: AnalyticsStore, batchSize = 4) => runEtl({ store, decode: decodeOrderEvent, batchSize });

/** Everything the reports read from a store, for the fixture's weeks. */
async function figures(store: AnalyticsStore) {
  return {
    sales: await store.dailySales(RANGE),
    top: await store.topProducts(RANGE, 10),
    customers: await store.customers({ from: '2026-03-03', to: '2026-03-09' }),
    boughtWithBeans: await store.boughtWith(2, 10),
    units: await store.dailyUnits({ from: '2026-03-01', to: '2026-03-31' }),
    sold: [await store.hasSales(1), await store.hasSales(99)],
  };
}

/** The fixture's figures, worked out by hand in fixture.ts. */
const EXPECTED = {
  sales: {
    currency: 'EUR',
    days: EXPECTED_DAILY.map(
      (day): DailySales => ({
        day: day.day,
        orders: day.orders,
        units: day.units,
        revenueCents: day.revenue_cents,
        cancelledOrders: day.cancelled_orders,
      }),
    ),
  },
  // Units first: the filter (6), the beans (5), the machine (4), each under its latest line's name.
  top: [
    { productId: 3, name: 'Paper filter', units: 6, revenueCents: 1500 },
    { productId: 2, name: 'Beans', units: 5, revenueCents: 2500 },
    { productId: 1, name: 'Espresso machine II', units: 4, revenueCents: 4000 },
  ],
  // User 10 ordered before the range and in it; user 13 first in it; user 11's order in it was cancelled.
  customers: { newCustomers: 1, returningCustomers: 1 },
  // Orders 1, 3 and 6 hold the beans and stand: the machine is in two of them, the filter in one.
  boughtWithBeans: {
    baseOrders: 3,
    items: [
      { productId: 1, name: 'Espresso machine II', orders: 2 },
      { productId: 3, name: 'Paper filter', orders: 1 },
    ],
  },
  units: EXPECTED_DAILY_PRODUCTS.filter((row) => row.day < '2026-04-01')
    .map((row) => ({ productId: row.product_id, day: row.day, units: row.units }))
    .sort((a, b) => a.productId - b.productId || a.day.localeCompare(b.day)),
  sold: [true, false],
};

const NOTHING = {
  sales: { currency: null, days: [] },
  top: [],
  customers: { newCustomers: 0, returningCustomers: 0 },
  boughtWithBeans: { baseOrders: 0, items: [] },
  units: [],
  sold: [false, false],
};

describe.each(storeTargets())('the OLAP store contract: $name', (target) => {
  let opened: OpenedStore;
  const { inOrder } = fixtureEvents();

  beforeEach(async () => {
    opened = await target.open();
    expect(await opened.log.appendMany(inOrder.map(incoming))).toBe(inOrder.length);
  });
  afterEach(async () => {
    await opened?.cleanup();
  });

  it('when the events are taken in, a cancellation ahead of its order among them, then every report holds the figures worked out by hand', async () => {
    const store = await opened.store();
    expect(await figures(store)).toEqual(NOTHING);
    expect(await store.status()).toMatchObject({ events: 9, watermark: 0, pendingEvents: 9, lastRunAt: null });

    expect(await etl(store)).toMatchObject({ appliedEvents: 9, watermark: 9 });

    expect(await figures(store)).toEqual(EXPECTED);
    const status = await store.status();
    expect(status).toMatchObject({ events: 9, watermark: 9, pendingEvents: 0 });
    expect(status.lastRunAt).toBeInstanceOf(Date);
  });

  it('when the ETL runs again with nothing new, or the same orders arrive again in new events, then each order counts once', async () => {
    const store = await opened.store();
    await etl(store, 100);
    expect(await etl(store)).toMatchObject({ appliedEvents: 0, watermark: 9 });
    expect(await figures(store)).toEqual(EXPECTED);

    const again = fixtureEvents().inOrder;
    await opened.log.appendMany(again.map(incoming));
    expect(await etl(store)).toMatchObject({ appliedEvents: 9, watermark: 18 });
    expect(await figures(store)).toEqual(EXPECTED);
  });

  it('when events arrive while the rollups are up to date, then the next run adds only them', async () => {
    const store = await opened.store();
    await etl(store);
    const [late] = fixtureEvents().placements.slice(-1);
    await opened.log.appendMany([
      incoming({ ...(late as CloudEvent), data: { ...(late?.data as object), order_id: 8 } }),
    ]);
    expect(await etl(store)).toMatchObject({ appliedEvents: 1, watermark: 10 });
    const { days } = await store.dailySales({ from: '2026-04-01', to: '2026-04-01' });
    expect(days).toEqual([{ day: '2026-04-01', orders: 2, units: 4, revenueCents: 1000, cancelledOrders: 0 }]);
  });

  it('when turning the events into facts throws, then the step moves nothing, and the next run counts every event once', async () => {
    const store = await opened.store();
    await expect(
      store.applyNext(100, () => {
        throw new Error('the process died here');
      }),
    ).rejects.toThrow('the process died here');
    expect(await store.status()).toMatchObject({ watermark: 0, pendingEvents: 9 });
    expect(await figures(store)).toEqual(NOTHING);

    expect(await etl(store)).toMatchObject({ appliedEvents: 9, watermark: 9 });
    expect(await figures(store)).toEqual(EXPECTED);
  });

  it('when the process dies after a step wrote its facts but before its watermark moved, then after a restart each event counts once', async () => {
    const dying = await opened.store({
      beforeWatermark: () => {
        throw new Error('killed before the watermark moved');
      },
    });
    await expect(etl(dying, 100)).rejects.toThrow('killed before the watermark moved');
    expect(await dying.status()).toMatchObject({ watermark: 0, pendingEvents: 9 });
    await dying.close();

    const restarted = await opened.store();
    expect(await etl(restarted)).toMatchObject({ appliedEvents: 9, watermark: 9 });
    expect(await figures(restarted)).toEqual(EXPECTED);
  });

  it('when a run dies midway, then the steps before stand, and after a restart the run goes on from there without counting twice', async () => {
    let steps = 0;
    const dying = await opened.store({
      beforeWatermark: () => {
        steps += 1;
        if (steps === 2) throw new Error('killed in the second step');
      },
    });
    await expect(etl(dying, 4)).rejects.toThrow('killed in the second step');
    expect(await dying.status()).toMatchObject({ watermark: 4, pendingEvents: 5 });
    await dying.close();

    const restarted = await opened.store();
    expect(await etl(restarted, 4)).toMatchObject({ appliedEvents: 5, watermark: 9 });
    expect(await figures(restarted)).toEqual(EXPECTED);
  });

  // Stores several processes share; DuckDB's file is one process's (a second cannot open it).
  const withReplicas = target.replicas ? it : () => undefined;
  withReplicas(
    'when two processes run the ETL at the same moment (two replicas), then each batch is taken in by one of them',
    async () => {
      const stores = [await opened.store(), await opened.store()];
      const runs = await Promise.all(stores.map((store) => runEtl({ store, decode: decodeOrderEvent, batchSize: 4 })));
      expect(runs.map((run) => run.appliedEvents).reduce((sum, applied) => sum + applied, 0)).toBe(9);
      expect(runs.map((run) => run.watermark)).toEqual([9, 9]);
      expect(await figures(stores[0] as AnalyticsStore)).toEqual(EXPECTED);
    },
  );
});
