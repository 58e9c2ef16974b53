import { loadConfig } from '@shop/platform';
import { type Static, Type } from 'typebox';

/**
 * Every setting of the notification service. Each key may also be given as
 * NOTIFICATION_<KEY>, which wins over <KEY> when several services share one environment.
 */
export const NotificationConfigSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1', description: 'Interface to listen on (0.0.0.0 in containers).' }),
  PORT: Type.Integer({
    default: 8009,
    minimum: 0,
    maximum: 65535,
    description:
      'Port the service listens on (with the service name in front, e.g. PRODUCT_PORT, in a shared environment).',
  }),
  PUBLIC_URL: Type.String({
    default: 'http://localhost:8003',
    description: 'Base URL clients use; the token issuer (iss) and the base of the OAuth metadata URLs.',
  }),
  DATABASE_URL: Type.String({
    default: '',
    description: 'PostgreSQL URL (server mode). Empty: the embedded PGlite database under DATA_DIR.',
  }),
  DATA_DIR: Type.String({ default: './data', description: 'Where embedded mode keeps its data.' }),
  AMQP_URL: Type.String({
    default: '',
    description: 'RabbitMQ URL for events and jobs (server mode). Empty under npm start: the in-process bus.',
  }),
  LOG_LEVEL: Type.String({
    default: 'info',
    description: 'pino log level: fatal, error, warn, info, debug, trace, silent.',
  }),
  ACCOUNT_URL: Type.String({
    default: 'http://127.0.0.1:8003',
    description: 'Where services reach the account service (its JWKS verifies access tokens).',
  }),
  SMTP_URL: Type.String({
    default: '',
    description:
      'SMTP server the e-mails go to (server mode), e.g. smtp://user:pass@mail.example.com:587. Empty: the built-in mailbox keeps them, viewable at GET /api/admin/emails/{id}.',
  }),
  MAIL_FROM: Type.String({
    default: 'Shop <shop@localhost>',
    minLength: 3,
    description: 'The From of every e-mail the shop sends.',
  }),
  EMAIL_ATTEMPTS: Type.Integer({
    default: 5,
    minimum: 1,
    maximum: 50,
    description: 'Send attempts per e-mail, the first included; after the last one the e-mail is failed.',
  }),
  EMAIL_BACKOFF_MS: Type.Integer({
    default: 2000,
    minimum: 1,
    description: 'Wait before the second send attempt, in ms; doubles for each further one.',
  }),
});

export type NotificationConfig = Static<typeof NotificationConfigSchema>;

export function loadNotificationConfig(env: NodeJS.ProcessEnv = process.env): NotificationConfig {
  return loadConfig(NotificationConfigSchema, { env, service: 'notification' });
}
