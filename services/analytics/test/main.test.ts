import { InProcessBus } from '@shop/platform';
import { freshPglite } from '@shop/platform/testing';
import { describe, expect, it, vi } from 'vitest';
import { salesReport } from '../src/domain/reports.ts';
import { startAnalytics } from '../src/main.ts';
import { orderPlaced, WAIT } from './helpers.ts';

const env = { PORT: '0', LOG_LEVEL: 'silent' };

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
      expect((await fetch(`${running.url}/health/ready`)).status).toBe(200);
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
});
