/**
 * `npm run migrate -- [service...]` (in production `node --conditions=production
 * apps/stack/dist/migrate.js [service...]`): applies the named services' database
 * migrations to PostgreSQL and exits, so a deployment can migrate before it starts the
 * services (the Kubernetes migrations Job). Without names: every service with a database.
 *
 * Each service's database is `<SERVICE>_DATABASE_URL`, else `DATABASE_URL`, as the service
 * itself reads it. The migrations are applied exactly as a starting service applies them
 * (openPostgres, under the service's advisory lock), so this runs safely alongside other
 * migrate runs and starting replicas: each migration is applied once.
 *
 * The in-process bus's `bus` schema is not migrated here: only `npm start` without
 * AMQP_URL uses it, in its embedded PGlite. Server mode's bus is RabbitMQ.
 */
import { createLogger, openPostgres } from '@shop/platform';

const migrationsFolders = {
  account: async () => (await import('@shop/account')).MIGRATIONS_FOLDER,
  product: async () => (await import('@shop/product')).MIGRATIONS_FOLDER,
  cart: async () => (await import('@shop/cart')).MIGRATIONS_FOLDER,
  order: async () => (await import('@shop/order')).MIGRATIONS_FOLDER,
  notification: async () => (await import('@shop/notification')).MIGRATIONS_FOLDER,
  analytics: async () => (await import('@shop/analytics')).MIGRATIONS_FOLDER,
} as const;

type ServiceWithDatabase = keyof typeof migrationsFolders;
const SERVICES = Object.keys(migrationsFolders) as ServiceWithDatabase[];

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** The service's own variable wins over the shared one; empty counts as unset (as in loadConfig). */
function databaseUrl(service: ServiceWithDatabase): string | undefined {
  const own = process.env[`${service.toUpperCase()}_DATABASE_URL`];
  return own || process.env.DATABASE_URL || undefined;
}

/** A connection refused on every address is an AggregateError with an empty message. */
function describe(error: unknown): string {
  const { message, code } = error as { message?: string; code?: string };
  return message || code || String(error);
}

const named = process.argv.slice(2);
const unknown = named.filter((name) => !SERVICES.includes(name as ServiceWithDatabase));
if (unknown.length > 0) {
  fail(`Unknown service ${unknown.join(', ')}. Usage: migrate [${SERVICES.join('|')} ...] (default: all of them).`);
}
const services = named.length > 0 ? [...new Set(named as ServiceWithDatabase[])] : SERVICES;
const unset = services.filter((service) => !databaseUrl(service));
if (unset.length > 0) {
  const variables = unset.map((service) => `${service.toUpperCase()}_DATABASE_URL`).join(', ');
  fail(`No PostgreSQL URL for ${unset.join(', ')}: set DATABASE_URL (or ${variables}).`);
}

const logger = createLogger({ name: 'migrate', level: process.env.LOG_LEVEL ?? 'info' });
for (const service of services) {
  try {
    const migrationsFolder = await migrationsFolders[service]();
    // openPostgres migrates before it returns; its pool has not connected yet and is closed unused.
    const database = await openPostgres({
      service,
      migrationsFolder,
      url: databaseUrl(service) as string,
      poolSize: 1,
    });
    await database.close();
    logger.info({ service }, `${service}: migrations applied`);
  } catch (error) {
    logger.fatal({ service }, `${service}: migrations failed: ${describe(error)}`);
    process.exit(1);
  }
}
