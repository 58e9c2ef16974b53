import { createLogger, type Database } from '@shop/platform';
import { databaseTargets } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/app.ts';
import { PgAnalyticsStore } from '../../src/db/pg-analytics-store.ts';
import { PgForecastStore } from '../../src/db/pg-forecast-store.ts';
import type { ForecastStore } from '../../src/domain/ports.ts';
import type { Model } from '../../src/forecast/demand-forecast.ts';
import { dailySeries, makeForecasts } from '../../src/forecast/make-forecasts.ts';
import { mstlEtsModel } from '../../src/forecast/mstl-model.ts';
import { ForecastJob } from '../../src/jobs/forecast-job.ts';

const logger = createLogger({ name: 'forecast-job-test', level: 'silent' });
const NOW = new Date('2026-03-16T08:00:00Z');

/** The real store, counting how often a run asked whether today's forecasts are made. */
class CountingStore extends PgForecastStore {
  checks = 0;
  override madeOn(): Promise<string | null> {
    this.checks += 1;
    return super.madeOn();
  }
}

describe('daily series', () => {
  it('when a product sold on some days, then its series runs from its first sale to the last day, the other days 0', () => {
    const day = (text: string) => Date.parse(`${text}T00:00:00Z`) / 86_400_000;
    const series = dailySeries(
      [
        { productId: 2, day: '2026-03-12', units: 4 },
        { productId: 1, day: '2026-03-10', units: 3 },
        { productId: 1, day: '2026-03-13', units: 5 },
        // Today's, past the last day: left out.
        { productId: 1, day: '2026-03-16', units: 9 },
      ],
      day('2026-03-15'),
    );
    expect([...series]).toEqual([
      [1, [3, 0, 0, 5, 0, 0]],
      [2, [4, 0, 0, 0]],
    ]);
  });
});

describe.each(databaseTargets())('making the forecasts ($name)', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await target.open({ service: 'analytics', migrationsFolder: MIGRATIONS_FOLDER }));
  });
  afterAll(async () => {
    await cleanup?.();
  });
  beforeEach(async () => {
    await database.db.execute(sql`truncate analytics.daily_product_sales, analytics.demand_forecast`);
  });

  /** `products` products (ids 1..n) that sold for the 60 days before NOW: 5 a day, 9 on Saturdays. */
  async function sales(products: number): Promise<void> {
    await database.db.execute(sql`
      insert into analytics.daily_product_sales (day, product_id, units, revenue_cents)
      select day::date, product_id, case when extract(isodow from day) = 6 then 9 else 5 end, 100
        from generate_series(1, ${products}) as product_id,
             generate_series(date '2026-01-15', date '2026-03-15', interval '1 day') as day`);
  }

  const count = async () =>
    Number(
      (
        (await database.db.execute(sql`select count(*) as n from analytics.demand_forecast`)) as unknown as {
          rows: Array<{ n: string | number }>;
        }
      ).rows[0]?.n,
    );

  it('when the job starts, then its first run waits for the ETL’s first run, and stop ends the schedule', async () => {
    await sales(2);
    const store = new CountingStore(database.db);
    const job = new ForecastJob({
      store,
      sales: new PgAnalyticsStore(database.db),
      model: mstlEtsModel,
      now: () => NOW,
      logger,
    });
    let etlDone!: () => void;
    job.start(new Promise<void>((resolve) => (etlDone = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(store.checks).toBe(0);
    etlDone();
    await expect.poll(() => count(), { timeout: 10_000 }).toBe(2);
    expect(store.checks).toBe(1);
    await job.stop();
  });

  it('when stopped during a run, then the run ends before its next product and writes nothing', async () => {
    await sales(40);
    const job = new ForecastJob({
      store: new PgForecastStore(database.db),
      sales: new PgAnalyticsStore(database.db),
      model: mstlEtsModel,
      now: () => NOW,
      logger,
    });
    const running = job.run();
    await job.stop();
    expect(await running).toEqual({ outcome: 'stopped', madeOn: '2026-03-16' });
    expect(await count()).toBe(0);
  });

  it('when two runs are asked for at once, then the second waits for the first and finds today’s made', async () => {
    await sales(3);
    const job = new ForecastJob({
      store: new PgForecastStore(database.db),
      sales: new PgAnalyticsStore(database.db),
      model: mstlEtsModel,
      now: () => NOW,
      logger,
    });
    const [first, second] = await Promise.all([job.run(), job.run()]);
    expect(first).toMatchObject({ outcome: 'made', products: 3 });
    expect(second).toEqual({ outcome: 'already_made', madeOn: '2026-03-16' });
    await job.stop();
  });

  it('when another replica stored today’s forecasts meanwhile, then this run leaves them as they are', async () => {
    await sales(1);
    const store: ForecastStore = new PgForecastStore(database.db);
    const theirs = [
      { productId: 77, madeOn: '2026-03-16', method: 'seasonal_average' as const, backtestWape: null, points: [] },
    ];
    // Theirs lands between this run's check and its write.
    const racing: ForecastStore = Object.assign(Object.create(store) as ForecastStore, {
      madeOn: async () => {
        const made = await store.madeOn();
        await store.replace('2026-03-16', theirs);
        return made;
      },
    });
    expect(
      await makeForecasts(NOW, {
        store: racing,
        sales: new PgAnalyticsStore(database.db),
        model: mstlEtsModel,
        logger,
      }),
    ).toEqual({
      outcome: 'already_made',
      madeOn: '2026-03-16',
    });
    expect((await store.all()).map((forecast) => forecast.productId)).toEqual([77]);
  });

  it('when the model fails on a series, then that product gets the seasonal average, named so, and the others are not held up', async () => {
    await sales(2);
    let calls = 0;
    const failingOnce: Model = (history, horizon, level) => {
      calls += 1;
      if (calls === 1) throw new Error('the model gave up');
      return mstlEtsModel(history, horizon, level);
    };
    const run = await makeForecasts(NOW, {
      store: new PgForecastStore(database.db),
      sales: new PgAnalyticsStore(database.db),
      model: failingOnce,
      logger,
    });
    expect(run).toMatchObject({ outcome: 'made', products: 2 });
    const [first, second] = await new PgForecastStore(database.db).all();
    expect(first).toMatchObject({ productId: 1, method: 'seasonal_average' });
    expect(first?.backtestWape).toEqual(expect.any(Number));
    // 2026-03-21 is a Saturday: the weekday averages carry the Saturdays' 9.
    expect(first?.points.find((point) => point.date === '2026-03-21')?.units).toBe(9);
    expect(second).toMatchObject({ productId: 2, method: 'mstl_ets' });
  });
});
