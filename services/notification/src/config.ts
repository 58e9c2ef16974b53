import { accountUrlField, loadConfig, serviceConfigFields } from '@shop/platform';
import { type Static, Type } from 'typebox';

/**
 * Every setting of the notification service. Each key may also be given as
 * NOTIFICATION_<KEY>, which wins over <KEY> when several services share one environment.
 */
export const NotificationConfigSchema = Type.Object({
  ...serviceConfigFields(8009),
  ...accountUrlField,
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
  EMAIL_SEND_TIMEOUT_MS: Type.Integer({
    default: 20_000,
    minimum: 100,
    description:
      'Longest one SMTP send may take; a worker holds an e-mail three times as long, after which another may send it (the first died).',
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
