import type { CloudEvent } from '@shop/platform';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingEvent } from '../../src/domain/ports.ts';
import { runEtl } from '../../src/domain/run-etl.ts';
import { decodeOrderEvent } from '../../src/events/order-events.ts';
import { fixtureEvents } from '../fixture.ts';
import { type OpenedStore, storeTargets } from './store-targets.ts';

const incoming = (event: CloudEvent): IncomingEvent => ({
  id: event.id,
  type: event.type,
  source: event.source,
  time: new Date(event.time),
  data: event.data,
});

const ALL_DAYS = { from: '2026-03-01', to: '2026-04-30' };

/** The stores kept apart from the log: they can outlive it. */
const apart = storeTargets().filter((target) => !target.name.startsWith('PostgreSQL'));

describe.each(apart)('a store kept apart from its event log: $name', (target) => {
  let opened: OpenedStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
  });

  it('when it outlives its log (a new database, sequences from 1 again), then it drops its figures and counts the new log from the start', async () => {
    opened = await target.open();
    const { placements } = fixtureEvents();
    await opened.log.appendMany(placements.map(incoming));
    const first = await opened.store();
    await runEtl({ store: first, decode: decodeOrderEvent, batchSize: 100 });
    expect((await first.dailySales(ALL_DAYS)).days).toHaveLength(5);
    await first.close();

    // The new log holds two events: none at sequence 7, the store's watermark.
    await opened.replaceLog?.();
    await opened.log.appendMany(placements.slice(0, 2).map(incoming));
    const told: number[] = [];
    const second = await opened.store({ onNewLog: (watermark) => told.push(watermark) });
    expect(await runEtl({ store: second, decode: decodeOrderEvent, batchSize: 100 })).toMatchObject({
      appliedEvents: 2,
      watermark: 2,
    });
    expect(told).toEqual([7]);
    expect((await second.dailySales(ALL_DAYS)).days).toEqual([
      { day: '2026-03-02', orders: 2, units: 4, revenueCents: 3500, cancelledOrders: 0 },
    ]);
    expect(await second.topProducts(ALL_DAYS, 10)).toEqual([
      { productId: 1, name: 'Espresso machine', units: 3, revenueCents: 3000 },
      { productId: 2, name: 'Beans', units: 1, revenueCents: 500 },
    ]);
  });

  it('when it is opened again on the same log, then it keeps its figures and goes on from its watermark', async () => {
    opened = await target.open();
    await opened.log.appendMany(fixtureEvents().placements.map(incoming));
    const first = await opened.store();
    await runEtl({ store: first, decode: decodeOrderEvent, batchSize: 100 });
    await first.close();

    const told: number[] = [];
    const second = await opened.store({ onNewLog: (watermark) => told.push(watermark) });
    expect(await runEtl({ store: second, decode: decodeOrderEvent, batchSize: 100 })).toMatchObject({
      appliedEvents: 0,
      watermark: 7,
    });
    expect(told).toEqual([]);
    expect((await second.dailySales(ALL_DAYS)).days).toHaveLength(5);
  });
});
