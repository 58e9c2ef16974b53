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
import type { NotificationConfig } from './config.ts';
import type { NotificationContext } from './context.ts';
import { PgEmailStore } from './db/email-store.ts';
import type { Mailer } from './domain/ports.ts';
import { CONSUMED_TYPES, CONSUMER, emailConsumer } from './events/email-consumer.ts';
import { BusEmailQueue, EMAIL_QUEUE, emailJobHandler } from './jobs/email-jobs.ts';
import { prometheusEmailMetrics } from './metrics/email-metrics.ts';
import { adminEmailRoutes } from './routes/admin-emails.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./db/migrations', import.meta.url));

export interface NotificationDeps {
  config: Pick<NotificationConfig, 'PUBLIC_URL' | 'EMAIL_ATTEMPTS' | 'EMAIL_BACKOFF_MS'>;
  database: Database;
  logger: Logger;
  verifier: TokenVerifier;
  /** Where the events come from and the e-mail jobs (retries of failed sends) go. */
  bus: Bus;
  /** SMTP in server mode, the built-in mailbox in embedded mode. */
  mailer: Mailer;
  /** How long a worker's claim on an e-mail lasts; longer than the slowest send. Default 60 s. */
  timing?: { leaseMs?: number };
}

export interface NotificationService {
  app: HttpApp;
  context: NotificationContext;
  /** Subscribes to the events and starts the e-mail worker. Call once, after the app is up. */
  start(): Promise<void>;
}

/** Builds the notification service from its dependencies. No environment, no listening: tests call this. */
export async function buildNotificationApp(deps: NotificationDeps): Promise<NotificationService> {
  const { config, database, logger } = deps;
  const emails = new PgEmailStore(database.db);
  const queue = new BusEmailQueue(deps.bus);
  const app = await createHttpApp({
    name: 'notification',
    description: 'Notifications: the shop’s e-mails, their sending and the admin mailbox.',
    logger,
    publicUrl: config.PUBLIC_URL,
    readiness: [{ name: 'database', check: database.ping }],
  });
  const sendEmail = {
    emails,
    mailer: deps.mailer,
    metrics: prometheusEmailMetrics(app.metrics),
    leaseMs: deps.timing?.leaseMs ?? 60_000,
    maxAttempts: config.EMAIL_ATTEMPTS,
    backoffMs: config.EMAIL_BACKOFF_MS,
  };
  const context: NotificationContext = {
    manage: { emails, queue },
    sendEventEmail: { ...sendEmail, queue },
    sendEmail,
    auth: createAuth(deps.verifier),
    logger,
  };
  adminEmailRoutes(app, context);

  // Its handlers' failures are counted as this service's retries and dead letters.
  const bus = new MeteredBus(deps.bus, app.metrics);
  const handlers = new InFlightHandlers('notification');
  app.addHook('onClose', () => handlers.stop());
  await app.ready();

  let started: Promise<void> | undefined;
  const start = () => {
    started ??= (async () => {
      await bus.subscribe(
        CONSUMER,
        CONSUMED_TYPES,
        handlers.track(emailConsumer({ ...context.sendEventEmail, logger })),
      );
      await bus.consume(EMAIL_QUEUE, handlers.track(emailJobHandler({ ...context.sendEmail, queue, logger })), {
        attempts: config.EMAIL_ATTEMPTS,
        backoffMs: config.EMAIL_BACKOFF_MS,
      });
    })();
    return started;
  };
  return { app, context, start };
}
