import {
  accountTokenGuard,
  createLogger,
  type Db,
  type Logger,
  listen,
  openServiceDatabase,
  runWhenMain,
  type ServiceStartOptions,
  serviceBus,
} from '@shop/platform';
import { type AnalyticsService, buildAnalyticsApp, MIGRATIONS_FOLDER } from './app.ts';
import { ProductCatalog } from './clients/product-catalog.ts';
import { type AnalyticsConfig, loadAnalyticsConfig } from './config.ts';
import { PgEventLog } from './db/pg-event-log.ts';
import { loadDemoHistory } from './seed/load-demo-history.ts';

export interface RunningAnalytics extends AnalyticsService {
  config: AnalyticsConfig;
  url: string;
  /**
   * The demo order history's load, in the background after start (embedded mode with
   * DEMO_HISTORY): the events it logged, 0 when it had nothing to do, failed or was not run.
   */
  demoHistory: Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts the analytics service: its database, the HTTP API, the event log's consumer, the
 * ETL and the forecasts, and on a first embedded start the demo order history. The bus is
 * the stack's, or its own RabbitMQ connection (AMQP_URL) when it runs alone.
 */
export async function startAnalytics(options: ServiceStartOptions = {}): Promise<RunningAnalytics> {
  const config = loadAnalyticsConfig(options.env);
  const logger = options.logger ?? createLogger({ name: 'analytics', level: config.LOG_LEVEL });
  if (!options.bus && !config.AMQP_URL) {
    throw new Error(
      'The analytics service needs a bus (the events it counts arrive on it): set AMQP_URL, or start it with npm start.',
    );
  }
  const { bus, close: closeBus } = await serviceBus({ given: options.bus, amqpUrl: config.AMQP_URL, logger });
  if (!bus) throw new Error('no bus');
  const storage = await openServiceDatabase({
    service: 'analytics',
    migrationsFolder: MIGRATIONS_FOLDER,
    databaseUrl: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    dataDir: config.DATA_DIR,
    pglite: options.pglite,
  });
  try {
    const tokens = accountTokenGuard(config, { bus, logger });
    await tokens.revocations.start();
    const service = await buildAnalyticsApp({
      config,
      database: storage.database,
      logger,
      verifier: tokens.verifier,
      bus,
    });
    const url = await listen(service.app, {
      host: config.HOST,
      port: config.PORT,
      service: 'analytics',
      requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    });
    await service.start().catch(async (error: unknown) => {
      await service.app.close();
      throw error;
    });
    // Not awaited: the service is up while the history loads; close() stops it and waits.
    const demo = new AbortController();
    const demoHistory =
      config.DEMO_HISTORY && config.DATABASE_URL === ''
        ? loadDemoHistoryInBackground(service, storage.database.db, config, logger, demo.signal)
        : Promise.resolve(0);
    return {
      ...service,
      config,
      url,
      demoHistory,
      close: async () => {
        demo.abort();
        await demoHistory;
        await service.app.close();
        await tokens.revocations.stop();
        await closeBus();
        await storage.close();
      },
    };
  } catch (error) {
    await closeBus();
    await storage.close();
    throw error;
  }
}

/** The demo history (seed/load-demo-history.ts), then the forecasts from it; a failure is a warning, never a stop. */
async function loadDemoHistoryInBackground(
  service: AnalyticsService,
  db: Db,
  config: AnalyticsConfig,
  logger: Logger,
  signal: AbortSignal,
): Promise<number> {
  const catalog = new ProductCatalog(config.PRODUCT_URL);
  try {
    const logged = await loadDemoHistory({
      log: new PgEventLog(db),
      catalog,
      currency: config.CURRENCY,
      today: new Date(),
      refresh: () => service.context.refresh(),
      logger,
      signal,
    });
    if (logged > 0 && !signal.aborted) service.forecasts.trigger();
    return logged;
  } catch (error) {
    logger.warn({ err: error }, 'demo order history not loaded');
    return 0;
  } finally {
    await catalog.close();
  }
}

runWhenMain(import.meta.url, 'analytics', startAnalytics);
