import { conflict } from '@shop/platform/errors';

export const EMAIL_KINDS = ['welcome', 'order_confirmation', 'order_cancellation'] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

/** `sending` is a worker's claim on the e-mail; clients see it as `pending`. */
export const EMAIL_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];
export type PublicEmailStatus = Exclude<EmailStatus, 'sending'>;

/** A rendered message, before it is stored. */
export interface EmailDraft {
  kind: EmailKind;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Email extends EmailDraft {
  id: number;
  eventId: string;
  status: EmailStatus;
  attempts: number;
  lastError: string | null;
  /** While `sending`: until when the worker's claim holds. Past it, the worker is presumed dead. */
  sendingUntil: Date | null;
  raw: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}

export interface EmailSummaryView {
  id: number;
  to: string;
  subject: string;
  status: PublicEmailStatus;
  attempts: number;
  last_error: string | null;
  created_at: string;
}

export interface EmailDetailView extends EmailSummaryView {
  text: string;
  html: string;
  raw: string | null;
}

export function publicStatus(status: EmailStatus): PublicEmailStatus {
  return status === 'sending' ? 'pending' : status;
}

/** Only a failed e-mail goes back to the queue: a pending one is queued, a sent one is done. */
export function checkRetry(email: Email, now: Date): void {
  const abandoned = email.status === 'sending' && email.sendingUntil !== null && email.sendingUntil < now;
  if (email.status !== 'failed' && !abandoned) {
    throw conflict(`Only a failed e-mail can be retried; e-mail ${email.id} is ${publicStatus(email.status)}.`);
  }
}

export function toSummary(email: Email): EmailSummaryView {
  return {
    id: email.id,
    to: email.to,
    subject: email.subject,
    status: publicStatus(email.status),
    attempts: email.attempts,
    last_error: email.lastError,
    created_at: email.createdAt.toISOString(),
  };
}

export function toDetail(email: Email): EmailDetailView {
  return { ...toSummary(email), text: email.text, html: email.html, raw: email.raw };
}
