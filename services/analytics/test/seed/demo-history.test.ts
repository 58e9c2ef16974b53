import { EVENT_TYPES } from '@shop/contracts';
import { createLogger, type Database } from '@shop/platform';
import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/app.ts';
import { ProductCatalog } from '../../src/clients/product-catalog.ts';
import { PgAnalyticsStore } from '../../src/db/pg-analytics-store.ts';
import { PgEventLog } from '../../src/db/pg-event-log.ts';
import { decodeOrderEvent } from '../../src/events/order-events.ts';
import { DEMO_SOURCE, demoHistory } from '../../src/seed/demo-history.ts';
import { loadDemoHistory } from '../../src/seed/load-demo-history.ts';
import { FakeProductService } from '../fakes/product-service.ts';
import { orderPlaced } from '../helpers.ts';

const logger = createLogger({ name: 'demo-history-test', level: 'silent' });
const TODAY = new Date('2026-03-16T15:30:00Z');
const DAY_MS = 86_400_000;
const PRODUCTS = Array.from({ length: 12 }, (_, index) => ({
  id: index + 1,
  name: `Product ${index + 1}`,
  price_cents: 500 + 250 * index,
}));

const options = { products: PRODUCTS, currency: 'SEK', days: 120, today: TODAY };

describe('demo history', () => {
  it('when generated twice with the same seed, then the same events; another seed, other events', () => {
    const first = demoHistory(options);
    expect(first.length).toBeGreaterThan(1_000);
    expect(demoHistory(options)).toEqual(first);
    // The catalog's order does not matter, only its products.
    expect(demoHistory({ ...options, products: [...PRODUCTS].reverse() })).toEqual(first);
    expect(demoHistory({ ...options, seed: 1 })).not.toEqual(first);
  });

  it('when generated for 120 days, then orders fall on every one of the 120 days before today and on no other day', () => {
    const events = demoHistory(options);
    const days = new Set(
      events.filter((event) => event.type === EVENT_TYPES.orderPlaced).map((event) => event.time?.slice(0, 10)),
    );
    const expected = Array.from({ length: 120 }, (_, index) =>
      new Date(Date.UTC(2026, 2, 16) - (120 - index) * DAY_MS).toISOString().slice(0, 10),
    );
    expect([...days].sort()).toEqual(expected);
    expect(expected[0]).toBe('2025-11-16');
    expect(expected.at(-1)).toBe('2026-03-15');
  });

  it('when generated, then every event is a valid order event from the demo source, with ids above any real order’s', () => {
    const events = demoHistory(options);
    const placed = events.filter((event) => event.type === EVENT_TYPES.orderPlaced);
    const cancelled = events.filter((event) => event.type === EVENT_TYPES.orderCancelled);
    expect(placed.length + cancelled.length).toBe(events.length);
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled.length).toBeLessThan(placed.length * 0.1);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    expect(events.every((event) => event.source === DEMO_SOURCE)).toBe(true);

    const orderIds = events.map((event) => (event.data as { order_id: number }).order_id);
    expect(Math.min(...orderIds)).toBe(1_900_000_001);
    expect(Math.max(...orderIds)).toBe(1_900_000_000 + placed.length);
    const userIds = events.map((event) => (event.data as { user_id: number }).user_id);
    expect(Math.min(...userIds)).toBeGreaterThanOrEqual(900_000);
    // Customers come back: far fewer customers than orders.
    expect(new Set(userIds).size).toBeLessThan(placed.length / 2);

    const placedIds = new Set(placed.map((event) => (event.data as { order_id: number }).order_id));
    for (const event of cancelled) expect(placedIds.has((event.data as { order_id: number }).order_id)).toBe(true);
    for (const [sequence, event] of events.entries()) {
      const decoded = decodeOrderEvent({
        sequence,
        id: event.id,
        type: event.type,
        time: new Date(event.time ?? ''),
        data: event.data,
      });
      expect(decoded.kind, JSON.stringify(decoded)).not.toBe('malformed');
    }
    const products = new Set(
      placed.flatMap((event) =>
        (event.data as { items: Array<{ product_id: number }> }).items.map((i) => i.product_id),
      ),
    );
    expect([...products].sort((a, b) => a - b)).toEqual(PRODUCTS.map((product) => product.id));
  });

  it('when the catalog is empty, then there is no history', () => {
    expect(demoHistory({ ...options, products: [] })).toEqual([]);
  });
});

describe.each(databaseTargets())('loading the demo history ($name)', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let catalog: FakeProductService;
  let client: ProductCatalog;

  beforeAll(async () => {
    ({ database, cleanup } = await target.open({ service: 'analytics', migrationsFolder: MIGRATIONS_FOLDER }));
    // More products than one catalog page (100): the listing is read to its end.
    catalog = await FakeProductService.start(
      Array.from({ length: 130 }, (_, index) => ({
        id: index + 1,
        name: `Product ${index + 1}`,
        price_cents: 100 * (index + 1),
        stock: 50,
      })),
    );
    client = new ProductCatalog(catalog.url);
  });
  afterAll(async () => {
    await client?.close();
    await catalog?.close();
    await cleanup?.();
  });

  const store = () => new PgAnalyticsStore(database.db);
  const deps = (signal = new AbortController().signal) => ({
    log: new PgEventLog(database.db),
    catalog: client,
    currency: 'EUR',
    today: TODAY,
    refresh: async () => undefined,
    logger,
    signal,
  });

  it('when a close is under way, then nothing is logged', async () => {
    const closing = new AbortController();
    closing.abort();
    expect(await loadDemoHistory(deps(closing.signal))).toBe(0);
    expect((await store().status()).events).toBe(0);
  });

  it('when the log holds no order event, then the history is logged once, over every product of the catalog', async () => {
    catalog.requests.length = 0;
    let refreshed = 0;
    const logged = await loadDemoHistory({ ...deps(), refresh: async () => (refreshed += 1) });
    // Two pages: 100 products, then 30.
    expect(catalog.requests).toEqual([
      'GET /api/products?limit=100&sort=newest',
      'GET /api/products?limit=100&sort=newest&cursor=31',
    ]);
    const expected = demoHistory({ products: await client.all(), currency: 'EUR', days: 120, today: TODAY });
    expect(
      new Set(
        expected
          .flatMap((event) => (event.data as { items?: Array<{ product_id: number }> }).items ?? [])
          .map((item) => item.product_id),
      ).size,
    ).toBeGreaterThan(100);
    expect(logged).toBe(expected.length);
    expect((await store().status()).events).toBe(expected.length);
    expect(refreshed).toBe(1);

    // A second start: the log holds order events now, and nothing more is added.
    expect(await loadDemoHistory(deps())).toBe(0);
    expect((await store().status()).events).toBe(expected.length);
    // Even forced in again, each event id is kept once.
    expect(
      await new PgEventLog(database.db).appendMany(
        expected.map((event) => ({ ...event, time: new Date(event.time ?? ''), data: event.data })),
      ),
    ).toBe(0);
    expect((await store().status()).events).toBe(expected.length);
  });

  it('when the log holds a real order event, then no history is generated', async () => {
    const fresh = await target.open({ service: 'analytics', migrationsFolder: MIGRATIONS_FOLDER });
    try {
      const log = new PgEventLog(fresh.database.db);
      const real = orderPlaced({ order_id: 1, lines: [{ product_id: 1, quantity: 1, unit_price_cents: 100 }] });
      await log.append({ ...real, time: new Date(real.time ?? ''), data: real.data });
      expect(await log.holdsType('order.')).toBe(true);
      expect(await log.holdsType('order_')).toBe(false);
      expect(await loadDemoHistory({ ...deps(), log })).toBe(0);
      expect((await new PgAnalyticsStore(fresh.database.db).status()).events).toBe(1);
    } finally {
      await fresh.cleanup();
    }
  });
});
