import type { Email, EmailDraft, PublicEmailStatus } from './email.ts';

/** What a mailer is handed: the sender is the adapter's (MAIL_FROM). */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends one e-mail or throws. Adapters: SMTP (server mode) and the embedded mailbox. */
export interface Mailer {
  /** Resolves once the message is accepted; `raw` is the rendered message when the adapter keeps it. */
  send(message: OutgoingEmail): Promise<{ raw: string | null }>;
}

export interface EmailQuery {
  status?: PublicEmailStatus;
  /** Ids below this one (the list runs newest first). */
  beforeId?: number;
  limit: number;
}

export interface EmailStore {
  /**
   * Saves the e-mail answering event `eventId` unless that event was handled before
   * (the inbox), and returns the e-mail of that event, new or earlier.
   */
  recordOnce(eventId: string, draft: EmailDraft): Promise<Email | null>;
  find(id: number): Promise<Email | null>;
  /**
   * Takes the e-mail for one send: pending, or sending with a lapsed claim → sending until
   * `leaseMs` from now, attempts + 1. Null when it is not free to take.
   */
  claim(id: number, leaseMs: number): Promise<Email | null>;
  /** Records the outcome of the send made under claim number `attempt`. */
  markSent(id: number, attempt: number, raw: string | null): Promise<void>;
  markUnsent(id: number, attempt: number, status: 'pending' | 'failed', error: string): Promise<void>;
  /** failed → pending with attempts 0; null when it was not failed. */
  requeue(id: number): Promise<Email | null>;
  list(query: EmailQuery): Promise<{ items: Email[]; next: number | null }>;
}

/** The work queue of e-mails to send. */
export interface EmailQueue {
  /** `retry`: the admin re-queued it, so this is a new job for the same e-mail. */
  enqueue(emailId: number, reason: 'new' | 'retry'): Promise<void>;
}
