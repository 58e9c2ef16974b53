import type { Auth, Logger } from '@shop/platform';
import type { ManageEmailsDeps } from './domain/manage-emails.ts';
import type { SendEmailDeps } from './domain/send-email.ts';
import type { SendEventEmailDeps } from './domain/send-event-email.ts';

/** Everything the routes, the event consumer and the e-mail worker hand to the use cases, built once in app.ts. */
export interface NotificationContext {
  manage: ManageEmailsDeps;
  sendEventEmail: SendEventEmailDeps;
  sendEmail: SendEmailDeps;
  auth: Auth;
  logger: Logger;
}
