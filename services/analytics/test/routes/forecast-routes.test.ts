import { mulberry32 } from '@shop/platform';
import { databaseTargets, expectProblem } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeProductService } from '../fakes/product-service.ts';
import {
  bearer,
  buildTestAnalytics,
  orderPlaced,
  publishAndLog,
  type TestAnalytics,
  type TestLine,
} from '../helpers.ts';

const DAY_MS = 86_400_000;
/** Monday 2026-03-16, 10:00 UTC: "today" for the first half of the suite. */
const TODAY = Date.UTC(2026, 2, 16, 10);
const HISTORY_DAYS = 60;

interface ForecastBody {
  product_id: number;
  horizon_days: number;
  method: string;
  backtest_wape: number | null;
  made_on: string;
  points: Array<{ date: string; units: number; lower: number; upper: number }>;
}

const dayText = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * One order a day for the 60 days before TODAY: product 1 (espresso) sells 8 a weekday and
 * 14 a Saturday or Sunday, give or take one; product 2 (beans) 3, give or take one; product 3
 * (filters) 2 a day, only the last 10 days.
 */
function history() {
  const random = mulberry32(7);
  const noise = () => Math.floor(random() * 3) - 1;
  const start = Date.UTC(2026, 2, 16) - HISTORY_DAYS * DAY_MS;
  return Array.from({ length: HISTORY_DAYS }, (_, index) => {
    const day = start + index * DAY_MS;
    const weekend = [0, 6].includes(new Date(day).getUTCDay());
    const lines: TestLine[] = [
      { product_id: 1, name: 'Espresso', quantity: (weekend ? 14 : 8) + noise(), unit_price_cents: 1_000 },
      { product_id: 2, name: 'Beans', quantity: 3 + noise(), unit_price_cents: 500 },
    ];
    if (index >= HISTORY_DAYS - 10) lines.push({ product_id: 3, name: 'Filters', quantity: 2, unit_price_cents: 200 });
    return orderPlaced({ order_id: 1_000 + index, time: new Date(day + 12 * 3_600_000).toISOString(), lines });
  });
}

describe.each(databaseTargets())('forecast and stock-outs routes ($name)', (target) => {
  let service: TestAnalytics;
  let catalog: FakeProductService;
  let now = new Date(TODAY);
  const events = history();

  beforeAll(async () => {
    catalog = await FakeProductService.start([
      { id: 1, name: 'Espresso (catalog)', price_cents: 1_000, stock: 5 },
      { id: 2, name: 'Beans (catalog)', price_cents: 500, stock: 10_000 },
      { id: 3, name: 'Filters (catalog)', price_cents: 200, stock: 0, archived: true },
    ]);
    service = await buildTestAnalytics(target, { productUrl: catalog.url, now: () => now });
    // The runs of start() on the empty log: the ETL's, and the forecasts' after it (nothing to forecast).
    await service.context.refresh();
    await service.forecasts.run();
    await publishAndLog(service, events, events.length);
    await service.context.refresh();
  });
  afterAll(async () => {
    await service?.close();
    await catalog?.close();
  });

  const get = (url: string, token: string | undefined = service.tokens.admin) =>
    service.app.inject({ method: 'GET', url, headers: token ? bearer(token) : {} });
  const forecastOf = async (productId: number) => {
    const response = await get(`/api/admin/analytics/forecast?product_id=${productId}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as ForecastBody;
  };
  const storedForecasts = async () =>
    (
      (await service.database.db.execute(
        sql`select coalesce(json_agg(f order by product_id), '[]')::text as rows from analytics.demand_forecast as f`,
      )) as unknown as { rows: Array<{ rows: string }> }
    ).rows[0]?.rows;

  it('when the forecasts are asked for before they are made, then a product with sales answers 404 saying none is made yet', async () => {
    expect(await service.context.forecasts.forecasts.madeOn()).toBeNull();
    const body = expectProblem(await get('/api/admin/analytics/forecast?product_id=1'), 404);
    expect(body.detail).toMatch(/no forecast yet/);
  });

  it('when today’s forecasts are made, then every product sold in the last year has one, and the run is timed', async () => {
    const run = await service.forecasts.run();
    expect(run).toMatchObject({ outcome: 'made', madeOn: '2026-03-16', products: 3 });
    expect(run.outcome === 'made' && run.ms).toBeGreaterThanOrEqual(0);
  });

  it('when a product with two months of weekly sales is asked for, then 14 days from today by MSTL + ETS, weekends above weekdays', async () => {
    const forecast = await forecastOf(1);
    expect(forecast).toMatchObject({ product_id: 1, horizon_days: 14, method: 'mstl_ets', made_on: '2026-03-16' });
    expect(forecast.backtest_wape).toEqual(expect.any(Number));
    expect(forecast.backtest_wape).toBeLessThan(0.5);
    expect(forecast.points.map((point) => point.date)).toEqual(
      Array.from({ length: 14 }, (_, day) => dayText(TODAY + day * DAY_MS)),
    );
    for (const point of forecast.points) {
      expect(point.lower).toBeLessThanOrEqual(point.units);
      expect(point.units).toBeLessThanOrEqual(point.upper);
      expect(point.lower).toBeGreaterThanOrEqual(0);
      expect(Math.round(point.units * 100)).toBe(point.units * 100);
    }
    // 2026-03-16 is a Monday: index 5 and 6 are the weekend, 1 to 4 weekdays.
    const units = forecast.points.map((point) => point.units);
    const weekdays = units.slice(0, 5);
    const weekend = units.slice(5, 7);
    expect(Math.min(...weekend)).toBeGreaterThan(Math.max(...weekdays));
    for (const value of weekdays) {
      expect(value).toBeGreaterThan(5);
      expect(value).toBeLessThan(11);
    }
    for (const value of weekend) {
      expect(value).toBeGreaterThan(11);
      expect(value).toBeLessThan(17);
    }
  });

  it('when a product has only 10 days of sales, then its forecast is the seasonal average, without a backtest', async () => {
    const forecast = await forecastOf(3);
    expect(forecast).toMatchObject({ method: 'seasonal_average', backtest_wape: null, horizon_days: 14 });
    // Two a day, every day: each weekday's average is 2, the interval has no width.
    expect(forecast.points.every((point) => point.units === 2 && point.lower === 2 && point.upper === 2)).toBe(true);
  });

  it('when a product without any sale is asked for, then 404 says no sales are recorded for it', async () => {
    const body = expectProblem(await get('/api/admin/analytics/forecast?product_id=999'), 404);
    expect(body.detail).toMatch(/No sales are recorded for product 999/);
  });

  it('when a customer asks, then 403; without a token, 401', async () => {
    expectProblem(await get('/api/admin/analytics/forecast?product_id=1', service.tokens.customer), 403);
    expectProblem(await get('/api/admin/analytics/stock-outs', service.tokens.customer), 403);
    expectProblem(await get('/api/admin/analytics/forecast?product_id=1', ''), 401);
  });

  it('when the product id is not a positive 32-bit integer, then 400 names product_id', async () => {
    for (const id of ['0', '-4', '2147483648', '1.5', 'abc', '']) {
      const body = expectProblem(await get(`/api/admin/analytics/forecast?product_id=${id}`), 400);
      expect(body.errors?.map((error) => error.field)).toContain('product_id');
    }
  });

  it('when stock-outs are asked for, then only the product whose forecast demand passes its stock comes, with when it runs out', async () => {
    catalog.requests.length = 0;
    const response = await get('/api/admin/analytics/stock-outs');
    expect(response.statusCode, response.body).toBe(200);
    const espresso = await forecastOf(1);
    const week = espresso.points.slice(0, 7);
    const sum = (field: 'units' | 'lower' | 'upper') =>
      Math.round(week.reduce((total, point) => total + point[field], 0) * 100) / 100;
    // Stock 5: the first day whose running total of forecast units passes 5.
    const runningTotals = week.map((_, day) => week.slice(0, day + 1).reduce((total, point) => total + point.units, 0));
    const runsOut = runningTotals.findIndex((total) => total > 5);
    expect([0, 1]).toContain(runsOut);
    expect(response.json()).toEqual({
      days: 7,
      items: [
        {
          product_id: 1,
          name: 'Espresso (catalog)',
          stock: 5,
          forecast_units: sum('units'),
          lower_units: sum('lower'),
          upper_units: sum('upper'),
          days_of_stock: runsOut,
        },
      ],
    });
    // Stock was read for the products with a forecast only, the archived one answering 404.
    expect(catalog.requests.sort()).toEqual(['GET /api/products/1', 'GET /api/products/2', 'GET /api/products/3']);
  });

  it('when a product’s stock lasts longer, then it comes after the more urgent one, on the day its stock runs out', async () => {
    // Filters: 2 a day forecast, 20 in stock: the running total passes 20 on day 10 (22).
    catalog.set({ id: 3, name: 'Filters (catalog)', price_cents: 200, stock: 20 });
    try {
      const twoWeeks = (await get('/api/admin/analytics/stock-outs?days=14')).json();
      expect(twoWeeks.days).toBe(14);
      expect(twoWeeks.items.map((item: { product_id: number }) => item.product_id)).toEqual([1, 3]);
      expect(twoWeeks.items[1]).toEqual({
        product_id: 3,
        name: 'Filters (catalog)',
        stock: 20,
        forecast_units: 28,
        lower_units: 28,
        upper_units: 28,
        days_of_stock: 10,
      });
      // Over one week the filters need 14 of their 20: not a stock-out.
      const week = (await get('/api/admin/analytics/stock-outs?days=7')).json();
      expect(week.items.map((item: { product_id: number }) => item.product_id)).toEqual([1]);
    } finally {
      catalog.set({ id: 3, name: 'Filters (catalog)', price_cents: 200, stock: 0, archived: true });
    }
  });

  it('when days is outside 1 to 14, then 400 names days', async () => {
    for (const days of ['0', '15', '-1', '2.5', 'seven']) {
      const body = expectProblem(await get(`/api/admin/analytics/stock-outs?days=${days}`), 400);
      expect(body.errors?.map((error) => error.field)).toContain('days');
    }
    expect((await get('/api/admin/analytics/stock-outs?days=1')).json().days).toBe(1);
  });

  it('when the product service cannot be reached, then 503 problem+json with Retry-After; back, the answer is too', async () => {
    await catalog.stop();
    try {
      const response = await get('/api/admin/analytics/stock-outs');
      expectProblem(response, 503);
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await catalog.start();
    }
    expect((await get('/api/admin/analytics/stock-outs')).statusCode).toBe(200);
  });

  it('when the forecasts run again the same day, then nothing changes', async () => {
    const before = await storedForecasts();
    expect(await service.forecasts.run()).toEqual({ outcome: 'already_made', madeOn: '2026-03-16' });
    expect(await storedForecasts()).toBe(before);
  });

  it('when they run the next day, then every forecast is replaced, from the new day on, a product first sold since included', async () => {
    // Sold today (the 16th): no forecast until the next day's run.
    await publishAndLog(
      service,
      [
        orderPlaced({
          order_id: 5_000,
          time: '2026-03-16T11:00:00Z',
          lines: [{ product_id: 4, name: 'Grinder', quantity: 1, unit_price_cents: 9_000 }],
        }),
      ],
      events.length + 1,
    );
    await service.context.refresh();
    expect(expectProblem(await get('/api/admin/analytics/forecast?product_id=4'), 404).detail).toMatch(
      /no forecast yet/,
    );

    now = new Date(Date.UTC(2026, 2, 17, 0, 30));
    expect(await service.forecasts.run()).toMatchObject({ outcome: 'made', madeOn: '2026-03-17', products: 4 });
    const espresso = await forecastOf(1);
    expect(espresso.made_on).toBe('2026-03-17');
    expect(espresso.points[0]?.date).toBe('2026-03-17');
    expect(espresso.points.at(-1)?.date).toBe('2026-03-30');
    expect(await forecastOf(4)).toMatchObject({ method: 'seasonal_average', made_on: '2026-03-17' });
    const rows = JSON.parse((await storedForecasts()) ?? '[]') as Array<{ made_on: string }>;
    expect(rows.map((row) => row.made_on)).toEqual(['2026-03-17', '2026-03-17', '2026-03-17', '2026-03-17']);
  });
});
