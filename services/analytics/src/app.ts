import { fileURLToPath } from 'node:url';
import {
  type Bus,
  createAuth,
  createHttpApp,
  type Database,
  type HttpApp,
  InFlightHandlers,
  type Logger,
  MeteredBus,
  type TokenVerifier,
} from '@shop/platform';
import { ProductCatalog } from './clients/product-catalog.ts';
import type { AnalyticsConfig } from './config.ts';
import type { AnalyticsContext } from './context.ts';
import { PgAnalyticsStore } from './db/pg-analytics-store.ts';
import { PgEventLog } from './db/pg-event-log.ts';
import { PgForecastStore } from './db/pg-forecast-store.ts';
import type { AnalyticsStore } from './domain/ports.ts';
import { DEFAULT_BATCH_SIZE } from './domain/run-etl.ts';
import { CONSUMED_TYPES, CONSUMER, eventLogConsumer } from './events/event-log-consumer.ts';
import { decodeOrderEvent } from './events/order-events.ts';
import type { EventFeed } from './events/stream-feed.ts';
import { mstlEtsModel } from './forecast/mstl-model.ts';
import { EtlJob } from './jobs/etl-job.ts';
import { EtlSchedule } from './jobs/etl-schedule.ts';
import { ForecastJob } from './jobs/forecast-job.ts';
import { adminAnalyticsRoutes } from './routes/admin-analytics.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./db/migrations', import.meta.url));

export interface AnalyticsDeps {
  config: Pick<AnalyticsConfig, 'PUBLIC_URL' | 'CURRENCY' | 'ETL_INTERVAL_SECONDS' | 'PRODUCT_URL'>;
  database: Database;
  logger: Logger;
  verifier: TokenVerifier;
  /** Where the events come from: every type the shop publishes. */
  bus: Bus;
  /** Events per ETL step. Default 5,000. */
  etlBatchSize?: number;
  /** The rollups; default, those in the database. */
  store?: AnalyticsStore;
  /**
   * Where the log's events come from: by default a durable subscription to every event type
   * on `bus`; in server mode the RabbitMQ stream (events/stream-feed.ts).
   */
  feed?: EventFeed;
  /** The clock the forecasts go by (which day is today, UTC); default, the system's. */
  now?: () => Date;
}

export interface AnalyticsService {
  app: HttpApp;
  context: AnalyticsContext;
  /** The daily demand forecasts: run() makes today's now unless they are made. */
  forecasts: ForecastJob;
  /**
   * Subscribes to the events and starts the ETL (a run at once, then on schedule) and the
   * forecasts (once the ETL's first run is over, then hourly). Call once, after the app is up.
   */
  start(): Promise<void>;
}

/** Builds the analytics service from its dependencies. No environment, no listening: tests call this. */
export async function buildAnalyticsApp(deps: AnalyticsDeps): Promise<AnalyticsService> {
  const { config, database, logger } = deps;
  const log = new PgEventLog(database.db);
  const store = deps.store ?? new PgAnalyticsStore(database.db);
  const forecastStore = new PgForecastStore(database.db);
  const now = deps.now ?? (() => new Date());
  const catalog = new ProductCatalog(config.PRODUCT_URL);
  const etl = new EtlJob(
    { store, decode: decodeOrderEvent, batchSize: deps.etlBatchSize ?? DEFAULT_BATCH_SIZE },
    new EtlSchedule({ database, intervalSeconds: config.ETL_INTERVAL_SECONDS, logger }),
    logger,
  );
  const forecasts = new ForecastJob({ store: forecastStore, sales: store, model: mstlEtsModel, now, logger });
  const app = await createHttpApp({
    name: 'analytics',
    description: 'Analytics: every event the shop publishes, rolled up into sales, product and customer figures.',
    logger,
    publicUrl: config.PUBLIC_URL,
    readiness: [{ name: 'database', check: database.ping }],
  });
  const context: AnalyticsContext = {
    reports: { store, currency: config.CURRENCY },
    forecasts: { forecasts: forecastStore, sales: store, stock: catalog, now },
    refresh: () => etl.refresh(),
    auth: createAuth(deps.verifier),
    logger,
  };
  adminAnalyticsRoutes(app, context);

  // Its handlers' failures are counted as this service's retries and dead letters.
  const bus = new MeteredBus(deps.bus, app.metrics);
  const handlers = new InFlightHandlers('analytics');
  app.addHook('onClose', async () => {
    await forecasts.stop();
    await etl.stop();
    await handlers.stop();
    await catalog.close();
  });
  await app.ready();

  let started: Promise<void> | undefined;
  const start = () => {
    started ??= (async () => {
      const logEvent = handlers.track(eventLogConsumer({ log, logger }));
      await (deps.feed ? deps.feed(logEvent) : bus.subscribe(CONSUMER, CONSUMED_TYPES, logEvent));
      forecasts.start(etl.start());
    })();
    return started;
  };
  return { app, context, forecasts, start };
}
