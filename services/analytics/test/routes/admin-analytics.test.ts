import { databaseTargets, expectProblem } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureEvents } from '../fixture.ts';
import { bearer, buildTestAnalytics, CURRENCY, orderPlaced, publishAndLog, type TestAnalytics } from '../helpers.ts';

const zero = { orders: 0, units: 0, revenue_cents: 0, average_order_cents: 0, cancelled_orders: 0 };

describe.each(databaseTargets())('admin analytics routes ($name)', (target) => {
  let service: TestAnalytics;
  const { inOrder } = fixtureEvents();

  beforeAll(async () => {
    service = await buildTestAnalytics(target);
    await service.reset();
    await publishAndLog(service, inOrder, inOrder.length);
  });
  afterAll(async () => {
    await service?.close();
  });

  const get = (url: string, token: string | undefined = service.tokens.admin) =>
    service.app.inject({ method: 'GET', url, headers: token ? bearer(token) : {} });
  const post = (url: string, token: string | undefined = service.tokens.admin) =>
    service.app.inject({ method: 'POST', url, headers: token ? bearer(token) : {} });

  describe('refresh and status', () => {
    it('when events wait in the log, then status counts them pending and refresh takes them in', async () => {
      const before = await get('/api/admin/analytics/status');
      expect(before.statusCode, before.body).toBe(200);
      expect(before.json()).toMatchObject({ events: inOrder.length, pending_events: inOrder.length, watermark: 0 });

      const refreshed = await post('/api/admin/analytics/refresh');
      expect(refreshed.statusCode, refreshed.body).toBe(200);
      expect(refreshed.json()).toEqual({ applied_events: inOrder.length, watermark: inOrder.length });

      const after = (await get('/api/admin/analytics/status')).json();
      expect(after).toMatchObject({ events: inOrder.length, pending_events: 0, watermark: inOrder.length });
      expect(Date.parse(after.last_run_at)).toBeGreaterThan(Date.now() - 60_000);

      expect((await post('/api/admin/analytics/refresh')).json()).toEqual({
        applied_events: 0,
        watermark: inOrder.length,
      });
    });

    it('when two refreshes are asked for at once, then together they take in each new event once', async () => {
      const late = orderPlaced({
        order_id: 100,
        time: '2025-12-01T10:00:00Z',
        lines: [{ product_id: 50, quantity: 1, unit_price_cents: 700 }],
      });
      await publishAndLog(service, [late], inOrder.length + 1);
      const [a, b] = await Promise.all([post('/api/admin/analytics/refresh'), post('/api/admin/analytics/refresh')]);
      expect([a.json().watermark, b.json().watermark]).toEqual([inOrder.length + 1, inOrder.length + 1]);
      // Whichever came second joined the first run (or found it over): each answer covers the one new event.
      expect(Math.max(a.json().applied_events, b.json().applied_events)).toBe(1);
      const december = (await get('/api/admin/analytics/sales?from=2025-12-01&to=2025-12-01')).json();
      expect(december.items).toEqual([
        {
          period: '2025-12-01',
          orders: 1,
          units: 1,
          revenue_cents: 700,
          average_order_cents: 700,
          cancelled_orders: 0,
        },
      ]);
    });
  });

  describe('sales', () => {
    it('when asked per day, then every day of the range comes in order with zeros for days without orders', async () => {
      const response = await get('/api/admin/analytics/sales?from=2026-03-01&to=2026-03-06');
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({
        currency: 'EUR',
        items: [
          { period: '2026-03-01', ...zero },
          {
            period: '2026-03-02',
            orders: 2,
            units: 4,
            revenue_cents: 3500,
            average_order_cents: 1750,
            cancelled_orders: 0,
          },
          {
            period: '2026-03-03',
            orders: 1,
            units: 6,
            revenue_cents: 2000,
            average_order_cents: 2000,
            cancelled_orders: 1,
          },
          { period: '2026-03-04', ...zero },
          { period: '2026-03-05', ...zero, cancelled_orders: 1 },
          { period: '2026-03-06', ...zero },
        ],
      });
    });

    it('when asked per week, then weeks start on Monday and hold only the days of the range', async () => {
      // From Tuesday 03-03: Monday 03-02's two orders are outside the range.
      const response = await get('/api/admin/analytics/sales?from=2026-03-03&to=2026-03-16&interval=week');
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().items).toEqual([
        {
          period: '2026-03-02',
          orders: 1,
          units: 6,
          revenue_cents: 2000,
          average_order_cents: 2000,
          cancelled_orders: 2,
        },
        {
          period: '2026-03-09',
          orders: 1,
          units: 3,
          revenue_cents: 2000,
          average_order_cents: 2000,
          cancelled_orders: 0,
        },
        { period: '2026-03-16', ...zero },
      ]);
    });

    it('when asked per month, then each month of the range is there, an empty one as zeros', async () => {
      const response = await get('/api/admin/analytics/sales?from=2026-02-15&to=2026-04-30&interval=month');
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().items).toEqual([
        { period: '2026-02-01', ...zero },
        {
          period: '2026-03-01',
          orders: 4,
          units: 13,
          revenue_cents: 7500,
          average_order_cents: 1875,
          cancelled_orders: 2,
        },
        {
          period: '2026-04-01',
          orders: 1,
          units: 2,
          revenue_cents: 500,
          average_order_cents: 500,
          cancelled_orders: 0,
        },
      ]);
    });

    it('when the range has no orders, then its currency is the shop’s and every item is zero', async () => {
      const response = await get('/api/admin/analytics/sales?from=2020-01-01&to=2020-01-03');
      expect(response.json()).toEqual({
        currency: CURRENCY,
        items: ['2020-01-01', '2020-01-02', '2020-01-03'].map((period) => ({ period, ...zero })),
      });
    });
  });

  describe('top products, customers, also bought', () => {
    it('when top products are asked for, then they come by units, then revenue, named as on their latest order', async () => {
      const response = await get('/api/admin/analytics/top-products?from=2026-03-01&to=2026-04-30');
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({
        items: [
          { product_id: 3, name: 'Paper filter', units: 6, revenue_cents: 1500 },
          { product_id: 2, name: 'Beans', units: 5, revenue_cents: 2500 },
          { product_id: 1, name: 'Espresso machine II', units: 4, revenue_cents: 4000 },
        ],
      });
      const top = await get('/api/admin/analytics/top-products?from=2026-03-01&to=2026-03-31&limit=2');
      expect(top.json().items.map((item: { product_id: number }) => item.product_id)).toEqual([2, 1]);
    });

    it('when customers are counted, then a first order (not cancelled) in the range is new and an earlier one returning', async () => {
      // In range: user 10 (first order 03-02: returning), 13 (first 03-09: new); 11 and 12 only cancelled ones.
      const march = await get('/api/admin/analytics/customers?from=2026-03-03&to=2026-03-31');
      expect(march.statusCode, march.body).toBe(200);
      expect(march.json()).toEqual({ new_customers: 1, returning_customers: 1 });
      // 10 and 11 first ordered on 03-02, 13 on 03-09, 12 (order 4 cancelled) on 04-01.
      expect((await get('/api/admin/analytics/customers?from=2026-03-01&to=2026-04-30')).json()).toEqual({
        new_customers: 4,
        returning_customers: 0,
      });
      expect((await get('/api/admin/analytics/customers?from=2026-04-01&to=2026-04-01')).json()).toEqual({
        new_customers: 1,
        returning_customers: 0,
      });
    });

    it('when also-bought is asked for, then it scores the products of the same orders that stand by their share', async () => {
      // Beans (2) stand in orders 1, 3 and 6: the machine (1) is in 1 and 6, the filter (3) in 3.
      const response = await get('/api/admin/analytics/also-bought?product_id=2');
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({
        items: [
          { product_id: 1, name: 'Espresso machine II', score: 2 / 3 },
          { product_id: 3, name: 'Paper filter', score: 1 / 3 },
        ],
      });
      // The machine (1) stands in 1, 2 and 6 (4 is cancelled, with the filter): beans in 1 and 6.
      expect((await get('/api/admin/analytics/also-bought?product_id=1&limit=5')).json()).toEqual({
        items: [{ product_id: 2, name: 'Beans', score: 2 / 3 }],
      });
      expect((await get('/api/admin/analytics/also-bought?product_id=2&limit=1')).json().items).toHaveLength(1);
      expect((await get('/api/admin/analytics/also-bought?product_id=999')).json()).toEqual({ items: [] });
    });
  });

  describe('refusals', () => {
    it.each([
      ['/api/admin/analytics/sales?from=2026-03-01', 'to'],
      ['/api/admin/analytics/sales?from=2026-3-01&to=2026-03-02', 'from'],
      ['/api/admin/analytics/sales?from=2026-03-01&to=tomorrow', 'to'],
      ['/api/admin/analytics/sales?from=2026-02-30&to=2026-03-02', 'from'],
      ['/api/admin/analytics/sales?from=2026-03-01&to=2025-02-29', 'to'],
      ['/api/admin/analytics/sales?from=1969-12-31&to=1970-01-02', 'from'],
      ['/api/admin/analytics/sales?from=2026-03-02&to=2026-03-01', 'from'],
      ['/api/admin/analytics/sales?from=2024-01-01&to=2026-01-01', 'to'],
      ['/api/admin/analytics/sales?from=2026-03-01&to=2026-03-02&interval=year', 'interval'],
      ['/api/admin/analytics/top-products?from=2026-03-02&to=2026-03-01', 'from'],
      ['/api/admin/analytics/top-products?from=2026-03-01&to=2026-03-02&limit=0', 'limit'],
      ['/api/admin/analytics/top-products?from=2026-03-01&to=2026-03-02&limit=101', 'limit'],
      ['/api/admin/analytics/top-products?from=2026-03-01&to=2026-03-02&limit=ten', 'limit'],
      ['/api/admin/analytics/customers?from=2026-03-01&to=2026-02-31', 'to'],
      ['/api/admin/analytics/customers?from=2026-01-01&to=2028-01-02', 'to'],
      ['/api/admin/analytics/also-bought', 'product_id'],
      ['/api/admin/analytics/also-bought?product_id=0', 'product_id'],
      ['/api/admin/analytics/also-bought?product_id=-3', 'product_id'],
      ['/api/admin/analytics/also-bought?product_id=2147483648', 'product_id'],
      ['/api/admin/analytics/also-bought?product_id=99999999999999999999999', 'product_id'],
      ['/api/admin/analytics/also-bought?product_id=1.5', 'product_id'],
      ['/api/admin/analytics/also-bought?product_id=0x10', 'product_id'],
      ['/api/admin/analytics/also-bought?product_id=1&limit=1000', 'limit'],
      ['/api/admin/analytics/forecast', 'product_id'],
      ['/api/admin/analytics/forecast?product_id=0', 'product_id'],
      ['/api/admin/analytics/forecast?product_id=-1', 'product_id'],
      ['/api/admin/analytics/forecast?product_id=2147483648', 'product_id'],
      ['/api/admin/analytics/forecast?product_id=1.5', 'product_id'],
      ['/api/admin/analytics/forecast?product_id=one', 'product_id'],
      ['/api/admin/analytics/stock-outs?days=0', 'days'],
      ['/api/admin/analytics/stock-outs?days=15', 'days'],
      ['/api/admin/analytics/stock-outs?days=7.5', 'days'],
      ['/api/admin/analytics/stock-outs?days=week', 'days'],
    ])('when %s is asked for, then 400 names %s', async (url, field) => {
      const body = expectProblem(await get(url), 400);
      expect(body.errors?.map((error) => error.field)).toContain(field);
    });

    it('when a range is exactly two years with its leap day (731 days), then it is answered', async () => {
      const response = await get('/api/admin/analytics/sales?from=2024-01-01&to=2025-12-31&interval=month');
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().items).toHaveLength(24);
    });

    const routes = [
      ['GET', '/api/admin/analytics/sales?from=2026-03-01&to=2026-03-02'],
      ['GET', '/api/admin/analytics/top-products?from=2026-03-01&to=2026-03-02'],
      ['GET', '/api/admin/analytics/customers?from=2026-03-01&to=2026-03-02'],
      ['GET', '/api/admin/analytics/also-bought?product_id=1'],
      ['GET', '/api/admin/analytics/status'],
      ['GET', '/api/admin/analytics/forecast?product_id=1'],
      ['GET', '/api/admin/analytics/stock-outs'],
      ['POST', '/api/admin/analytics/refresh'],
    ] as const;

    it('when no token is sent, then every route answers 401 with WWW-Authenticate: Bearer', async () => {
      for (const [method, url] of routes) {
        const response = await service.app.inject({ method, url });
        expectProblem(response, 401);
        expect(response.headers['www-authenticate'], `${method} ${url}`).toMatch(/^Bearer /);
      }
    });

    it('when a token without analytics:read is sent (a customer’s, support’s), then every route answers 403', async () => {
      for (const token of [service.tokens.customer, service.tokens.support]) {
        for (const [method, url] of routes) {
          const response = await service.app.inject({ method, url, headers: bearer(token) });
          expectProblem(response, 403);
          expect(response.headers['www-authenticate'], `${method} ${url}`).toContain('scope="analytics:read"');
        }
      }
    });
  });

  it('when the OpenAPI document is read, then it lists every analytics route under the analytics tag', async () => {
    const document = (await service.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const paths = Object.keys(document.paths).filter((path) => path.startsWith('/api/admin/analytics'));
    expect(paths.sort()).toEqual(
      ['also-bought', 'customers', 'forecast', 'refresh', 'sales', 'status', 'stock-outs', 'top-products'].map(
        (name) => `/api/admin/analytics/${name}`,
      ),
    );
    const sales = document.paths['/api/admin/analytics/sales'].get;
    expect(sales.tags).toEqual(['analytics']);
    expect(sales.parameters.map((parameter: { name: string }) => parameter.name).sort()).toEqual([
      'from',
      'interval',
      'to',
    ]);
    expect(Object.keys(sales.responses).sort()).toEqual(['200', '400', '401', '403']);
    const forecast = document.paths['/api/admin/analytics/forecast'].get;
    expect(Object.keys(forecast.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
    const stockOuts = document.paths['/api/admin/analytics/stock-outs'].get;
    expect(Object.keys(stockOuts.responses).sort()).toEqual(['200', '400', '401', '403', '503']);
  });
});
