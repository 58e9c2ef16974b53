import {
  createLogger,
  listen,
  openRedis,
  openServiceDatabase,
  runWhenMain,
  type ServiceStartOptions,
  serviceBus,
} from '@shop/platform';
import { type AccountService, buildAccountApp, MIGRATIONS_FOLDER } from './app.ts';
import { type AccountConfig, loadAccountConfig } from './config.ts';

export interface RunningAccount extends AccountService {
  config: AccountConfig;
  url: string;
  /**
   * The password of the admin this start created, when the shop chose it (the embedded
   * default), to show the person who started it. Never one from ADMIN_PASSWORD: that one
   * its owner knows, and it must not reach a terminal or a log.
   */
  defaultAdminPassword: string | undefined;
  close(): Promise<void>;
}

/** The embedded admin password when none is configured: printed at start, never used in server mode. */
const EMBEDDED_ADMIN_PASSWORD = 'admin12345';

/**
 * Starts the account service: reads its configuration, opens PostgreSQL (server mode)
 * or the shared PGlite (embedded), connects Redis when configured, and listens.
 */
export async function startAccount(options: ServiceStartOptions = {}): Promise<RunningAccount> {
  const config = loadAccountConfig(options.env);
  const logger = options.logger ?? createLogger({ name: 'account', level: config.LOG_LEVEL });
  const embedded = config.DATABASE_URL === '';
  const storage = await openServiceDatabase({
    service: 'account',
    migrationsFolder: MIGRATIONS_FOLDER,
    databaseUrl: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    dataDir: config.DATA_DIR,
    pglite: options.pglite,
  });
  // Login limits fail over to memory at once while Redis is away.
  const redis = config.REDIS_URL ? openRedis(config.REDIS_URL, logger, { failFast: true }) : undefined;
  const { bus, close: closeBus } = await serviceBus({ given: options.bus, amqpUrl: config.AMQP_URL, logger });
  const close = async () => {
    await closeBus();
    await storage.close();
    await redis?.close();
  };

  try {
    const adminPassword = config.ADMIN_PASSWORD || (embedded ? EMBEDDED_ADMIN_PASSWORD : '');
    if (!adminPassword) logger.warn('ADMIN_PASSWORD is not set: no admin account is created on first start');
    const service = await buildAccountApp({
      config,
      database: storage.database,
      logger,
      redis: redis?.redis,
      bus,
      admin: adminPassword ? { email: config.ADMIN_EMAIL, password: adminPassword } : undefined,
    });
    const url = await listen(service.app, {
      host: config.HOST,
      port: config.PORT,
      service: 'account',
      requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    });
    service.relay?.start();
    return {
      ...service,
      config,
      url,
      defaultAdminPassword: service.createdAdmin && !config.ADMIN_PASSWORD ? adminPassword : undefined,
      close: async () => {
        await service.app.close();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

runWhenMain(import.meta.url, 'account', startAccount);
