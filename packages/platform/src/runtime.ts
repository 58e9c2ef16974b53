import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { type Database, openPglite, openPostgres, openSharedPglite, type SharedPglite } from './db/database.ts';
import { type HttpApp, headersTimeoutFor } from './http/app.ts';
import { createJwksTokenVerifier, type TokenVerifier } from './http/auth.ts';
import { RevocationFeed } from './http/revocation-feed.ts';
import { createLogger, type Logger } from './logger.ts';
import type { Bus } from './messaging/bus.ts';
import { RabbitMqBus } from './messaging/rabbitmq-bus.ts';
import { closeOnSignals, describeListenError } from './shutdown.ts';

/**
 * A service's database as its configuration says: PostgreSQL when `databaseUrl` is
 * set (server mode), else the PGlite the process shares (`pglite`, from the stack) or,
 * running alone, its own under `dataDir`. Migrations are applied before it returns.
 */
export async function openServiceDatabase(options: {
  service: string;
  migrationsFolder: string;
  databaseUrl: string;
  /** Most connections the PostgreSQL pool holds (server mode). */
  poolSize?: number;
  dataDir: string;
  pglite?: PGlite;
}): Promise<{ database: Database; close(): Promise<void> }> {
  const { service, migrationsFolder } = options;
  if (options.databaseUrl) {
    const database = await openPostgres({
      service,
      migrationsFolder,
      url: options.databaseUrl,
      poolSize: options.poolSize,
    });
    return { database, close: () => database.close() };
  }
  let own: SharedPglite | undefined;
  if (!options.pglite) own = await openSharedPglite(join(options.dataDir, 'pglite'));
  const client = options.pglite ?? (own as SharedPglite).client;
  try {
    const database = await openPglite({ service, migrationsFolder, client });
    return {
      database,
      close: async () => {
        await database.close();
        await own?.close();
      },
    };
  } catch (error) {
    await own?.close();
    throw error;
  }
}

/** What the stack hands each service's start function; a service run alone gets none of it. */
export interface ServiceStartOptions {
  env?: NodeJS.ProcessEnv;
  /** The PGlite every embedded service shares. */
  pglite?: PGlite;
  logger?: Logger;
  /** The bus every service shares. */
  bus?: Bus;
}

/**
 * A service's token guard: access tokens checked against the account service's JWKS,
 * issued by the shop's public URL, and refused once their user's sessions are revoked
 * (the feed: start it once the bus is up, stop it at close).
 */
export function accountTokenGuard(
  config: { ACCOUNT_URL: string; PUBLIC_URL: string },
  options: { bus: Bus | undefined; logger: Logger },
): { verifier: TokenVerifier; revocations: RevocationFeed } {
  const revocations = new RevocationFeed({ accountUrl: config.ACCOUNT_URL, bus: options.bus, logger: options.logger });
  const verifier = createJwksTokenVerifier({
    jwksUrl: new URL('/.well-known/jwks.json', config.ACCOUNT_URL).toString(),
    issuer: config.PUBLIC_URL.replace(/\/+$/, ''),
    revocations: revocations.list,
  });
  return { verifier, revocations };
}

/**
 * Listens, or closes the app and fails with a message a person can act on
 * ("port 8001 is already in use ...").
 */
export async function listen(
  app: HttpApp,
  options: { host: string; port: number; service: string; requestTimeoutMs?: number },
): Promise<string> {
  if (options.requestTimeoutMs !== undefined) {
    app.server.requestTimeout = options.requestTimeoutMs;
    app.server.headersTimeout = headersTimeoutFor(options.requestTimeoutMs);
  }
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    throw new Error(describeListenError(error, options.service, options.port, `${options.service.toUpperCase()}_PORT`));
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return `http://localhost:${port}`;
}

/**
 * The bus a service publishes and consumes on: the one the stack hands it, else its own
 * RabbitMQ connection when `amqpUrl` is set, else none (events wait in the outbox).
 */
export async function serviceBus(options: {
  given: Bus | undefined;
  amqpUrl: string;
  logger: Logger;
}): Promise<{ bus: Bus | undefined; close(): Promise<void> }> {
  if (options.given) return { bus: options.given, close: async () => {} };
  if (!options.amqpUrl) {
    options.logger.warn('no AMQP_URL: events wait in the outbox until a bus is configured');
    return { bus: undefined, close: async () => {} };
  }
  const bus = await RabbitMqBus.open({ url: options.amqpUrl, logger: options.logger });
  return { bus, close: () => bus.close() };
}

/**
 * When `moduleUrl` is the file node was started with, starts the service, logs its
 * URL and closes it on SIGINT/SIGTERM; a failure to start exits with its message.
 */
export function runWhenMain(
  moduleUrl: string,
  name: string,
  start: (options: { logger: Logger }) => Promise<{ url: string; close(): Promise<void> }>,
): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  const logger = createLogger({ name, level: process.env.LOG_LEVEL ?? 'info' });
  start({ logger }).then(
    (running) => {
      logger.info({ url: running.url }, `${name} service listening`);
      closeOnSignals(running.close, logger);
    },
    (error: Error) => {
      logger.fatal(error.message);
      process.exit(1);
    },
  );
}
