import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessBus } from '@shop/platform';
import { freshPglite, freshPostgresDatabase, testServers } from '@shop/platform/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PgAnalyticsStore } from '../src/db/pg-analytics-store.ts';
import { salesReport } from '../src/domain/reports.ts';
import { startAnalytics } from '../src/main.ts';
import { ClickHouseAnalyticsStore } from '../src/olap/clickhouse-analytics-store.ts';
import { DuckDbAnalyticsStore } from '../src/olap/duckdb-analytics-store.ts';
import { FakeProductService } from './fakes/product-service.ts';
import { orderPlaced, WAIT } from './helpers.ts';
import { clickHouseUrl, dropClickHouseDatabase, withClickHouse } from './olap/store-targets.ts';

const dataDirs: string[] = [];
/** Where an embedded start keeps its DuckDB file: a folder of its own, not the working directory's ./data; removed after the file. */
function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shop-analytics-'));
  dataDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

const env = { PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: tempDataDir(), DEMO_HISTORY: 'false' };

describe('startAnalytics', () => {
  it('when no bus is passed, then it refuses to start and says why', async () => {
    await expect(startAnalytics({ env })).rejects.toThrow(/needs a bus/);
  });

  it('when started embedded with a bus, then it listens, is ready, guards its routes, and counts an order placed on the bus', async () => {
    const pglite = await freshPglite();
    const bus = new InProcessBus();
    const running = await startAnalytics({ env: { ...env, ANALYTICS_CURRENCY: 'SEK' }, pglite, bus });
    try {
      expect(running.config).toMatchObject({ ETL_INTERVAL_SECONDS: 30, CURRENCY: 'SEK' });
      expect(running.context.reports.store).toBeInstanceOf(DuckDbAnalyticsStore);
      // Ready once the database answers: the job engine's first start may hold PGlite for a moment.
      await vi.waitFor(async () => expect((await fetch(`${running.url}/health/ready`)).status).toBe(200), WAIT);
      const unauthenticated = await fetch(`${running.url}/api/admin/analytics/sales?from=2026-03-01&to=2026-03-02`);
      expect(unauthenticated.status).toBe(401);

      await bus.publish(
        orderPlaced({
          order_id: 5,
          time: '2026-03-02T12:00:00Z',
          currency: 'SEK',
          lines: [{ product_id: 1, quantity: 3, unit_price_cents: 1200 }],
        }),
      );
      await vi.waitFor(async () => {
        expect((await running.context.reports.store.status()).events).toBe(1);
      }, WAIT);
      expect(await running.context.refresh()).toMatchObject({ appliedEvents: 1, watermark: 1 });

      // What GET /sales answers, through its use case (the token check needs the account service's keys).
      const sales = await salesReport(
        { from: '2026-03-02', to: '2026-03-03', interval: 'day' },
        running.context.reports,
      );
      expect(sales).toEqual({
        currency: 'SEK',
        items: [
          {
            period: '2026-03-02',
            orders: 1,
            units: 3,
            revenueCents: 3600,
            averageOrderCents: 3600,
            cancelledOrders: 0,
          },
          { period: '2026-03-03', orders: 0, units: 0, revenueCents: 0, averageOrderCents: 0, cancelledOrders: 0 },
        ],
      });
    } finally {
      await running.close();
      await bus.close();
      await pglite.close();
    }
  });
  describe('the demo history', () => {
    const DAY_MS = 86_400_000;
    const products = Array.from({ length: 12 }, (_, index) => ({
      id: index + 1,
      name: `Demo product ${index + 1}`,
      price_cents: 990 + 500 * index,
      stock: 40,
    }));
    const eventsIn = async (pglite: { query<T>(sql: string): Promise<{ rows: T[] }> }) =>
      Number((await pglite.query<{ n: number }>('select count(*)::int as n from analytics.event')).rows[0]?.n);

    it('when started embedded with DEMO_HISTORY on, then it is up before the history loads; after, most of the last 120 days have orders, forecasts follow, and a second start adds nothing', async () => {
      const pglite = await freshPglite();
      const bus = new InProcessBus();
      const catalog = await FakeProductService.start(products);
      const demoEnv = { PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: tempDataDir(), PRODUCT_URL: catalog.url };
      catalog.holdListing();
      let running = await startAnalytics({ env: demoEnv, pglite, bus });
      try {
        // Started and ready while the catalog has not answered: the history loads in the background.
        await vi.waitFor(() => expect(catalog.waiting).toBe(1), WAIT);
        expect((await fetch(`${running.url}/health/ready`)).status).toBe(200);
        catalog.release();
        const logged = await running.demoHistory;
        expect(logged).toBeGreaterThan(1_000);
        expect(await running.context.reports.store.status()).toMatchObject({ events: logged, pendingEvents: 0 });

        const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
        const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
        const sales = await salesReport(
          { from: day(today - 120 * DAY_MS), to: day(today - DAY_MS), interval: 'day' },
          running.context.reports,
        );
        expect(sales.items).toHaveLength(120);
        expect(sales.currency).toBe('EUR');
        expect(sales.items.filter((item) => item.orders > 0).length).toBeGreaterThanOrEqual(108);

        // The forecasts are made from it in the background too.
        await vi.waitFor(async () => expect(await running.context.forecasts.forecasts.madeOn()).toBe(day(today)), {
          timeout: 30_000,
          interval: 100,
        });
        expect((await running.context.forecasts.forecasts.all()).length).toBeGreaterThan(0);

        await running.close();
        running = await startAnalytics({ env: demoEnv, pglite, bus });
        expect(await running.demoHistory).toBe(0);
        expect(await eventsIn(pglite)).toBe(logged);
      } finally {
        await running.close();
        await bus.close();
        await pglite.close();
        await catalog.close();
      }
    });

    it('when closed while the history waits for the catalog, then close waits for it, and nothing is logged', async () => {
      const pglite = await freshPglite();
      const bus = new InProcessBus();
      const catalog = await FakeProductService.start(products);
      catalog.holdListing();
      const running = await startAnalytics({
        env: { PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: tempDataDir(), PRODUCT_URL: catalog.url },
        pglite,
        bus,
      });
      try {
        await vi.waitFor(() => expect(catalog.waiting).toBe(1), WAIT);
        let closed = false;
        const closing = running.close().then(() => {
          closed = true;
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(closed).toBe(false);
        catalog.release();
        await closing;
        expect(await running.demoHistory).toBe(0);
        expect(await eventsIn(pglite)).toBe(0);
      } finally {
        await bus.close();
        await pglite.close();
        await catalog.close();
      }
    });

    it('when the product service cannot be reached, then the service runs on without the history', async () => {
      const pglite = await freshPglite();
      const bus = new InProcessBus();
      const catalog = await FakeProductService.start(products);
      await catalog.stop();
      const running = await startAnalytics({
        env: { PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: tempDataDir(), PRODUCT_URL: catalog.url },
        pglite,
        bus,
      });
      try {
        expect(await running.demoHistory).toBe(0);
        expect((await fetch(`${running.url}/health/ready`)).status).toBe(200);
      } finally {
        await running.close();
        await bus.close();
        await pglite.close();
      }
    });

    it('when DEMO_HISTORY is false, then the catalog is never asked', async () => {
      const catalog = await FakeProductService.start(products);
      const pglite = await freshPglite();
      const bus = new InProcessBus();
      try {
        const running = await startAnalytics({
          env: {
            PORT: '0',
            LOG_LEVEL: 'silent',
            DATA_DIR: tempDataDir(),
            PRODUCT_URL: catalog.url,
            DEMO_HISTORY: 'false',
          },
          pglite,
          bus,
        });
        expect(await running.demoHistory).toBe(0);
        await running.close();
        expect(catalog.requests).toEqual([]);
      } finally {
        await bus.close();
        await pglite.close();
        await catalog.close();
      }
    });

    it.skipIf(!testServers().postgresUrl)(
      'when DATABASE_URL is set (server mode), then no history is loaded, and the rollups are PostgreSQL’s (no CLICKHOUSE_URL)',
      async () => {
        const catalog = await FakeProductService.start(products);
        const { url, drop } = await freshPostgresDatabase();
        const bus = new InProcessBus();
        try {
          const running = await startAnalytics({
            env: {
              PORT: '0',
              LOG_LEVEL: 'silent',
              DATA_DIR: tempDataDir(),
              PRODUCT_URL: catalog.url,
              DATABASE_URL: url,
            },
            bus,
          });
          expect(running.config.DEMO_HISTORY).toBe(true);
          expect(running.context.reports.store).toBeInstanceOf(PgAnalyticsStore);
          expect(await running.demoHistory).toBe(0);
          expect((await running.context.reports.store.status()).events).toBe(0);
          await running.close();
          expect(catalog.requests).toEqual([]);
        } finally {
          await bus.close();
          await drop();
          await catalog.close();
        }
      },
    );
  });

  it.skipIf(!withClickHouse)(
    'when CLICKHOUSE_URL is set in server mode, then the figures go to ClickHouse, and an order placed on the bus is counted there',
    async () => {
      const { url, drop } = await freshPostgresDatabase();
      const clickHouse = clickHouseUrl();
      const olapDatabase = `shop_test_${randomBytes(6).toString('hex')}`;
      const bus = new InProcessBus();
      try {
        const running = await startAnalytics({
          env: { ...env, DATABASE_URL: url, CLICKHOUSE_URL: clickHouse, CLICKHOUSE_DATABASE: olapDatabase },
          bus,
        });
        try {
          expect(running.context.reports.store).toBeInstanceOf(ClickHouseAnalyticsStore);
          await bus.publish(
            orderPlaced({
              order_id: 8,
              time: '2026-03-02T12:00:00Z',
              lines: [{ product_id: 4, quantity: 2, unit_price_cents: 700 }],
            }),
          );
          await vi.waitFor(async () => {
            expect((await running.context.reports.store.status()).events).toBe(1);
          }, WAIT);
          expect(await running.context.refresh()).toMatchObject({ appliedEvents: 1, watermark: 1 });
          expect(await running.context.reports.store.topProducts({ from: '2026-03-02', to: '2026-03-02' }, 5)).toEqual([
            { productId: 4, name: 'Product 4', units: 2, revenueCents: 1400 },
          ]);
        } finally {
          await running.close();
        }
      } finally {
        await bus.close();
        await dropClickHouseDatabase(clickHouse, olapDatabase);
        await drop();
      }
    },
  );
});
