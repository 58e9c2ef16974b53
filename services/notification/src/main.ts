import {
  accountTokenGuard,
  createLogger,
  listen,
  openServiceDatabase,
  runWhenMain,
  type ServiceStartOptions,
  serviceBus,
} from '@shop/platform';
import { buildNotificationApp, MIGRATIONS_FOLDER, type NotificationService } from './app.ts';
import { loadNotificationConfig, type NotificationConfig } from './config.ts';
import { MailboxMailer } from './mail/mailbox-mailer.ts';
import { claimLeaseMs, SmtpMailer } from './mail/smtp-mailer.ts';

export interface RunningNotification extends NotificationService {
  config: NotificationConfig;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the notification service: its database, its mailer (SMTP when SMTP_URL is set,
 * else the built-in mailbox), the HTTP API, the event consumer and the e-mail worker.
 * The bus is the stack's, or its own RabbitMQ connection (AMQP_URL) when it runs alone.
 */
export async function startNotification(options: ServiceStartOptions = {}): Promise<RunningNotification> {
  const config = loadNotificationConfig(options.env);
  const logger = options.logger ?? createLogger({ name: 'notification', level: config.LOG_LEVEL });
  if (!options.bus && !config.AMQP_URL) {
    throw new Error(
      'The notification service needs a bus (the events it answers arrive on it): set AMQP_URL, or start it with npm start.',
    );
  }
  const { bus, close: closeBus } = await serviceBus({ given: options.bus, amqpUrl: config.AMQP_URL, logger });
  if (!bus) throw new Error('no bus');
  const storage = await openServiceDatabase({
    service: 'notification',
    migrationsFolder: MIGRATIONS_FOLDER,
    databaseUrl: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    dataDir: config.DATA_DIR,
    pglite: options.pglite,
  });
  const mailer = config.SMTP_URL
    ? new SmtpMailer(config.SMTP_URL, config.MAIL_FROM, config.EMAIL_SEND_TIMEOUT_MS)
    : new MailboxMailer(config.MAIL_FROM);
  try {
    const tokens = accountTokenGuard(config, { bus: bus, logger });
    await tokens.revocations.start();
    const service = await buildNotificationApp({
      config,
      database: storage.database,
      logger,
      verifier: tokens.verifier,
      bus,
      mailer,
      timing: { leaseMs: claimLeaseMs(config.EMAIL_SEND_TIMEOUT_MS) },
    });
    const url = await listen(service.app, {
      host: config.HOST,
      port: config.PORT,
      service: 'notification',
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
        mailer.close();
        await closeBus();
        await storage.close();
      },
    };
  } catch (error) {
    mailer.close();
    await closeBus();
    await storage.close();
    throw error;
  }
}

runWhenMain(import.meta.url, 'notification', startNotification);
