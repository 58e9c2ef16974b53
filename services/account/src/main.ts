import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import {
  closeOnSignals,
  createLogger,
  type Database,
  describeListenError,
  type Logger,
  openPglite,
  openPostgres,
  openSharedPglite,
  type SharedPglite,
} from '@shop/platform';
import { Redis } from 'ioredis';
import { type AccountService, buildAccountApp, MIGRATIONS_FOLDER } from './app.ts';
import { type AccountConfig, loadAccountConfig } from './config.ts';

export interface RunningAccount extends AccountService {
  config: AccountConfig;
  url: string;
  close(): Promise<void>;
}

/** The embedded admin password when none is configured: printed at start, never used in server mode. */
const EMBEDDED_ADMIN_PASSWORD = 'admin12345';

/**
 * Starts the account service: reads its configuration, opens PostgreSQL (server mode)
 * or the shared PGlite (embedded), connects Redis when configured, and listens.
 */
export async function startAccount(
  options: { env?: NodeJS.ProcessEnv; pglite?: PGlite; logger?: Logger } = {},
): Promise<RunningAccount> {
  const config = loadAccountConfig(options.env);
  const logger = options.logger ?? createLogger({ name: 'account', level: config.LOG_LEVEL });
  const embedded = config.DATABASE_URL === '';
  let ownPglite: SharedPglite | undefined;
  if (embedded && !options.pglite) ownPglite = await openSharedPglite(join(config.DATA_DIR, 'pglite'));
  const pglite = options.pglite ?? ownPglite?.client;
  const database: Database = pglite
    ? await openPglite({ service: 'account', migrationsFolder: MIGRATIONS_FOLDER, client: pglite })
    : await openPostgres({ service: 'account', migrationsFolder: MIGRATIONS_FOLDER, url: config.DATABASE_URL });
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
    : undefined;
  redis?.on('error', (error) => logger.warn({ err: error }, 'redis connection problem'));

  const adminPassword = config.ADMIN_PASSWORD || (embedded ? EMBEDDED_ADMIN_PASSWORD : '');
  if (!adminPassword) logger.warn('ADMIN_PASSWORD is not set: no admin account is created on first start');
  const service = await buildAccountApp({
    config,
    database,
    logger,
    redis,
    admin: adminPassword ? { email: config.ADMIN_EMAIL, password: adminPassword } : undefined,
  });
  try {
    await service.app.listen({ host: config.HOST, port: config.PORT });
  } catch (error) {
    await service.app.close();
    await database.close();
    await ownPglite?.close();
    redis?.disconnect();
    throw new Error(describeListenError(error, 'account', config.PORT, 'ACCOUNT_PORT'));
  }
  const address = service.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  return {
    ...service,
    config,
    url: `http://localhost:${port}`,
    close: async () => {
      await service.app.close();
      await database.close();
      await ownPglite?.close();
      await redis?.quit().catch(() => undefined);
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const logger = createLogger({ name: 'account', level: process.env.LOG_LEVEL ?? 'info' });
  startAccount({ logger }).then(
    (running) => {
      logger.info({ url: running.url }, 'account service listening');
      closeOnSignals(running.close, logger);
    },
    (error: Error) => {
      logger.fatal(error.message);
      process.exit(1);
    },
  );
}
