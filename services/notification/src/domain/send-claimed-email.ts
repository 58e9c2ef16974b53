import type { Email } from './email.ts';
import type { EmailMetrics, EmailStore, Mailer } from './ports.ts';

export interface SendClaimedEmailDeps {
  emails: EmailStore;
  mailer: Mailer;
  metrics: EmailMetrics;
  /** Sends an e-mail gets in all (EMAIL_ATTEMPTS), the consumer's first included: the one that reaches it is its last. */
  maxAttempts: number;
}

/** What became of one send: on `pending` the caller sees that it is tried again later. */
export type ClaimedSendResult = { status: 'sent' } | { status: 'pending' | 'failed'; error: unknown };

/**
 * Sends an e-mail whose claim the caller holds (the consumer's new e-mail, or a job's
 * claim) and records the outcome. When the mailer throws, the e-mail goes back to pending
 * for a later send, or is failed, for an admin to retry, when this send was its last: the
 * caller's `last` (the queue's final delivery), or its attempts reaching `maxAttempts`.
 */
export async function sendClaimedEmail(
  email: Email,
  deps: SendClaimedEmailDeps,
  last: boolean,
): Promise<ClaimedSendResult> {
  let raw: string | null;
  try {
    ({ raw } = await deps.mailer.send(outgoing(email)));
  } catch (error) {
    const final = last || email.attempts >= deps.maxAttempts;
    const status = final ? 'failed' : 'pending';
    await deps.emails.markUnsent(email.id, email.attempts, status, describe(error));
    if (final) deps.metrics.failed();
    return { status, error };
  }
  // The mailer took it: should recording that fail, the e-mail stays claimed until the
  // claim lapses rather than go back to pending and out again at once.
  await deps.emails.markSent(email.id, email.attempts, raw);
  deps.metrics.sent();
  return { status: 'sent' };
}

function outgoing(email: Email) {
  return { to: email.to, subject: email.subject, text: email.text, html: email.html };
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.slice(0, 1000);
}
