import { EVENT_TYPES } from '@shop/contracts';
import { cloudEvent } from '@shop/platform';
import { databaseTargets } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildTestAnalytics,
  orderCancelled,
  orderPlaced,
  publishAndLog,
  settle,
  type TestAnalytics,
} from '../helpers.ts';

interface LoggedRow {
  id: string;
  type: string;
  source: string;
  time: string | null;
  data: unknown;
}

async function loggedEvents(service: TestAnalytics): Promise<LoggedRow[]> {
  const result = await service.database.db.execute(
    sql`select id, type, source, to_char(time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as time, data
          from analytics.event order by sequence`,
  );
  return (result as unknown as { rows: LoggedRow[] }).rows;
}

describe.each(databaseTargets())('the event log ($name)', (target) => {
  let service: TestAnalytics;

  beforeAll(async () => {
    service = await buildTestAnalytics(target);
  });
  beforeEach(async () => {
    await service.reset();
  });
  afterAll(async () => {
    await service?.close();
  });

  it('when the same event is delivered three times, then the log holds it once', async () => {
    const event = orderPlaced({ order_id: 7, lines: [{ product_id: 1, quantity: 1, unit_price_cents: 500 }] });
    await publishAndLog(service, [event, event], 1);
    await service.bus.publish(event);
    await settle();

    const rows = await loggedEvents(service);
    expect(rows.map((row) => row.id)).toEqual([event.id]);
    expect(rows[0]).toMatchObject({ type: 'order.placed', source: '/order', data: event.data });
  });

  it('when an event of every type the shop publishes arrives, then each is logged with its data and time', async () => {
    const events = Object.values(EVENT_TYPES).map((type, index) => ({
      ...cloudEvent('/test', type, { index }),
      time: `2026-03-0${index + 1}T12:00:00Z`,
    }));
    await publishAndLog(service, events, events.length);

    // Deliveries run side by side: the log holds them in the order they arrived.
    const rows = (await loggedEvents(service)).sort((a, b) => a.type.localeCompare(b.type));
    const sent = [...events].sort((a, b) => a.type.localeCompare(b.type));
    expect(rows).toEqual(
      sent.map((event) => ({ id: event.id, type: event.type, source: '/test', time: event.time, data: event.data })),
    );
  });

  it('when events lack an id or a type, or carry a NUL, then they are dropped, not dead-lettered, and later ones still arrive', async () => {
    const good = orderCancelled({ order_id: 3 });
    await service.bus.publish({ ...orderCancelled({ order_id: 1 }), id: '' });
    await service.bus.publish({ ...orderCancelled({ order_id: 1 }), id: undefined as unknown as string });
    await service.bus.publish({ ...orderCancelled({ order_id: 2 }), data: { reason: 'bad\u0000byte' } });
    await settle();
    expect(await service.bus.deadLetters('analytics')).toEqual([]);
    await publishAndLog(service, [good], 1);
    expect((await loggedEvents(service)).map((row) => row.id)).toEqual([good.id]);
  });

  it('when an event gives no usable time, then it is logged without one', async () => {
    const event = { ...orderCancelled({ order_id: 4 }), time: 'last tuesday' };
    await publishAndLog(service, [event], 1);
    expect((await loggedEvents(service))[0]).toMatchObject({ id: event.id, time: null });
  });
});
