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

/** Counts what became of send attempts, for monitoring (the adapter keeps Prometheus counters). */
export interface EmailMetrics {
  /** An e-mail was accepted by the mailer. */
  sent(): void;
  /** An e-mail failed its last attempt: it stays failed until an admin retries it. */
  failed(): void;
}

export interface EmailQuery {
  status?: PublicEmailStatus;
  /** Where the previous page ended: the list runs newest first, by creation time then id. */
  before?: EmailPosition;
  limit: number;
}

/** An e-mail's place in the list: its creation time (PostgreSQL's text, to the microsecond) and id. */
export interface EmailPosition {
  createdAt: string;
  id: number;
}

/** The e-mail answering an event, and whether this call created it. */
export interface RecordedEmail {
  email: Email;
  /** True: new, and already claimed by the caller for its first send (sending, attempts 1). */
  created: boolean;
}

export interface EmailStore {
  /**
   * Saves the e-mail answering event `eventId` unless that event was handled before
   * (the inbox), and returns the e-mail of that event, new or earlier. A new e-mail is
   * saved claimed for `leaseMs` by the caller, who sends it at once.
   */
  recordOnce(eventId: string, draft: EmailDraft, leaseMs: number): Promise<RecordedEmail | null>;
  find(id: number): Promise<Email | null>;
  /**
   * Takes the e-mail for one send: pending, or sending with a lapsed claim → sending until
   * `leaseMs` from now, attempts + 1. With `restMs`, a pending e-mail whose last send failed
   * less than `restMs` ago is not taken yet. Null when it is not free to take.
   */
  claim(id: number, leaseMs: number, restMs?: number): Promise<Email | null>;
  /** Records the outcome of the send made under claim number `attempt`. */
  markSent(id: number, attempt: number, raw: string | null): Promise<void>;
  markUnsent(id: number, attempt: number, status: 'pending' | 'failed', error: string): Promise<void>;
  /** failed → pending with attempts 0; null when it was not failed. */
  requeue(id: number): Promise<Email | null>;
  list(query: EmailQuery): Promise<{ items: Email[]; next: EmailPosition | null }>;
}

/** The work queue of e-mails to send. */
export interface EmailQueue {
  /** `retry`: the admin re-queued it, so this is a new job for the same e-mail. */
  enqueue(emailId: number, reason: 'new' | 'retry'): Promise<void>;
}
