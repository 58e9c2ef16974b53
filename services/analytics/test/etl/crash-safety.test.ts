import { createLogger, type Database } from '@shop/platform';
import { databaseTargets } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildAnalyticsApp } from '../../src/app.ts';
import { PgAnalyticsStore } from '../../src/db/pg-analytics-store.ts';
import type { AnalyticsStore } from '../../src/domain/ports.ts';
import { EXPECTED_DAILY, EXPECTED_DAILY_PRODUCTS, fixtureEvents } from '../fixture.ts';
import { buildTestAnalytics, publishAndLog, rollups, snapshot, TEST_CONFIG, type TestAnalytics } from '../helpers.ts';

/**
 * Makes the watermark's update fail (from `watermark` on, when given): the last statement of
 * a step, after its facts and rollups are written, as a process dying before its commit would.
 */
async function failWatermarkUpdates(database: Database, fromWatermark = 0): Promise<void> {
  await database.db.execute(sql`
    create function analytics.fail_watermark() returns trigger language plpgsql as $$
    begin
      raise exception 'injected failure before the watermark moves';
    end $$`);
  await database.db.execute(
    sql.raw(`create trigger fail_watermark before update on analytics.etl_state
      for each row when (new.watermark > ${fromWatermark}) execute function analytics.fail_watermark()`),
  );
}

async function stopFailing(database: Database): Promise<void> {
  await database.db.execute(sql`drop trigger fail_watermark on analytics.etl_state`);
  await database.db.execute(sql`drop function analytics.fail_watermark()`);
}

/** The service again on the same database, as after a restart: a new store, a new ETL, nothing kept in memory. */
async function restart(service: TestAnalytics, etlBatchSize?: number) {
  return buildAnalyticsApp({
    config: TEST_CONFIG,
    database: service.database,
    logger: createLogger({ name: 'analytics-test', level: 'silent' }),
    verifier: service.tokens.verifier,
    bus: service.bus,
    etlBatchSize,
    store: new PgAnalyticsStore(service.database.db),
  });
}

describe.each(databaseTargets())('the ETL when a step fails ($name)', (target) => {
  let service: TestAnalytics;
  const { inOrder } = fixtureEvents();

  beforeAll(async () => {
    service = await buildTestAnalytics(target, { etlBatchSize: 4 });
  });
  beforeEach(async () => {
    await service.reset();
    await publishAndLog(service, inOrder, inOrder.length);
  });
  afterAll(async () => {
    await service?.close();
  });

  it('when the first step fails after writing its facts, then nothing changed; after a restart each event counts once', async () => {
    const before = await snapshot(service.database);
    await failWatermarkUpdates(service.database);
    await expect(service.context.refresh()).rejects.toThrow();
    expect(await snapshot(service.database)).toEqual(before);
    await stopFailing(service.database);

    const restarted = await restart(service, 4);
    try {
      expect(await restarted.context.refresh()).toMatchObject({ appliedEvents: inOrder.length, watermark: 9 });
      expect(await rollups(service.database)).toEqual({ daily: EXPECTED_DAILY, products: EXPECTED_DAILY_PRODUCTS });
    } finally {
      await restarted.app.close();
    }
  });

  it('when a run fails midway, then the steps before the failure stand, and the next run goes on from there without counting twice', async () => {
    // Steps of 4 events: the first commits (watermark 4), the second fails.
    await failWatermarkUpdates(service.database, 4);
    await expect(service.context.refresh()).rejects.toThrow();
    const status = await service.context.reports.store.status();
    expect(status).toMatchObject({ watermark: 4, pendingEvents: inOrder.length - 4 });
    const partial = await snapshot(service.database);
    await expect(service.context.refresh()).rejects.toThrow();
    expect(await snapshot(service.database)).toEqual(partial);
    await stopFailing(service.database);

    const restarted = await restart(service, 4);
    try {
      expect(await restarted.context.refresh()).toMatchObject({ appliedEvents: inOrder.length - 4, watermark: 9 });
      expect(await rollups(service.database)).toEqual({ daily: EXPECTED_DAILY, products: EXPECTED_DAILY_PRODUCTS });
    } finally {
      await restarted.app.close();
    }
  });

  it('when turning the events into facts throws, then the step writes nothing and the next run counts everything once', async () => {
    const store = new PgAnalyticsStore(service.database.db);
    let failing = true;
    const flaky: AnalyticsStore = Object.assign(Object.create(store) as AnalyticsStore, {
      applyNext: (limit: number, toFacts: Parameters<AnalyticsStore['applyNext']>[1]) =>
        store.applyNext(limit, (events) => {
          const facts = toFacts(events);
          if (failing) throw new Error('the process died here');
          return facts;
        }),
    });
    const before = await snapshot(service.database);
    const broken = await buildAnalyticsApp({
      config: TEST_CONFIG,
      database: service.database,
      logger: createLogger({ name: 'analytics-test', level: 'silent' }),
      verifier: service.tokens.verifier,
      bus: service.bus,
      store: flaky,
    });
    try {
      await expect(broken.context.refresh()).rejects.toThrow('the process died here');
      expect(await snapshot(service.database)).toEqual(before);
      failing = false;
      expect(await broken.context.refresh()).toMatchObject({ appliedEvents: inOrder.length });
      expect(await rollups(service.database)).toEqual({ daily: EXPECTED_DAILY, products: EXPECTED_DAILY_PRODUCTS });
    } finally {
      await broken.app.close();
    }
  });
});
