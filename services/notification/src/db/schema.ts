import { inboxTable } from '@shop/platform';
import { sql } from 'drizzle-orm';
import { check, index, integer, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { EMAIL_KINDS, EMAIL_STATUSES } from '../domain/email.ts';

/** Everything the notification service stores lives in the `notification` schema. */
export const notification = pgSchema('notification');

/** One row per e-mail: the rendered message, where its sending stands, and what the mailbox kept. */
export const emails = notification.table(
  'emails',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    /** The event the e-mail answers: one e-mail per event. */
    eventId: uuid('event_id').notNull().unique(),
    kind: text('kind', { enum: EMAIL_KINDS }).notNull(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    status: text('status', { enum: EMAIL_STATUSES }).notNull().default('pending'),
    /** Sends tried since the e-mail was (re)queued. */
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** While `sending`: when the worker's claim lapses and another may take the e-mail over. */
    sendingUntil: timestamp('sending_until', { withTimezone: true }),
    /** The rendered RFC 822 message, kept by the embedded mailbox (null when sent over SMTP). */
    raw: text('raw'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (table) => [
    check('emails_status_check', sql`${table.status} in ('pending', 'sending', 'sent', 'failed')`),
    check('emails_attempts_check', sql`${table.attempts} >= 0`),
    // The admin list: newest first by creation time, then id; all e-mails or one status.
    index('emails_created_idx').on(table.createdAt.desc(), table.id.desc()),
    index('emails_status_created_idx').on(table.status, table.createdAt.desc(), table.id.desc()),
  ],
);

export const inbox = inboxTable(notification);
