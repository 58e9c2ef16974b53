import {
  accountTokenGuard,
  createLogger,
  listen,
  openServiceDatabase,
  runWhenMain,
  type ServiceStartOptions,
  serviceBus,
} from '@shop/platform';
import { type AnalyticsService, buildAnalyticsApp, MIGRATIONS_FOLDER } from './app.ts';
import { type AnalyticsConfig, loadAnalyticsConfig } from './config.ts';

export interface RunningAnalytics extends AnalyticsService {
  config: AnalyticsConfig;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the analytics service: its database, the HTTP API, the event log's consumer and
 * the ETL. The bus is the stack's, or its own RabbitMQ connection (AMQP_URL) when it runs alone.
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
    return {
      ...service,
      config,
      url,
      close: async () => {
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

runWhenMain(import.meta.url, 'analytics', startAnalytics);
