import {
  accountTokenGuard,
  createLogger,
  type Db,
  type Logger,
  listen,
  openServiceDatabase,
  RabbitMqEventStream,
  runWhenMain,
  type ServiceStartOptions,
  type StreamStart,
  serviceBus,
} from '@shop/platform';
import { type AnalyticsService, buildAnalyticsApp, MIGRATIONS_FOLDER } from './app.ts';
import { ProductCatalog } from './clients/product-catalog.ts';
import { type AnalyticsConfig, loadAnalyticsConfig } from './config.ts';
import { PgEventLog } from './db/pg-event-log.ts';
import { PgStreamPosition } from './db/pg-stream-position.ts';
import type { AnalyticsStore } from './domain/ports.ts';
import { streamFeed } from './events/stream-feed.ts';
import { olapStoreKind, openAnalyticsStore } from './olap/open-store.ts';
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
  // Server mode: the log reads the RabbitMQ stream of every event, which can be replayed.
  const stream = config.AMQP_URL
    ? await RabbitMqEventStream.open({ url: config.AMQP_URL, maxAge: config.EVENT_STREAM_MAX_AGE, logger }).catch(
        async (error: unknown) => {
          await closeBus();
          await storage.close();
          throw error;
        },
      )
    : undefined;
  const fromStream =
    stream &&
    streamFeed({
      stream,
      position: new PgStreamPosition(storage.database.db),
      replayFrom: replayStart(config.STREAM_REPLAY_FROM),
      logger,
    });
  let store: AnalyticsStore | undefined;
  try {
    store = await openAnalyticsStore(config, storage.database.db, logger);
    logger.info({ olap_store: olapStoreKind(config) }, 'analytics store open');
    const tokens = accountTokenGuard(config, { bus, logger });
    await tokens.revocations.start();
    const service = await buildAnalyticsApp({
      config,
      database: storage.database,
      logger,
      verifier: tokens.verifier,
      bus,
      feed: fromStream?.feed,
      store,
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
        // No new events first; closing the app then waits for the one in hand, whose offset is saved last.
        await stream?.close();
        await service.app.close();
        await fromStream?.stop();
        await tokens.revocations.stop();
        await store?.close();
        await closeBus();
        await storage.close();
      },
    };
  } catch (error) {
    await stream?.close();
    await store?.close();
    await closeBus();
    await storage.close();
    throw error;
  }
}

/** STREAM_REPLAY_FROM as a stream start: empty → undefined (go on where the log stopped). */
function replayStart(setting: string): StreamStart | undefined {
  if (setting === '') return undefined;
  return setting === 'first' ? 'first' : Number(setting);
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
