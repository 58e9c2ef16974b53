import type { Email } from './email.ts';
import type { EmailStore, Mailer } from './ports.ts';

export interface SendEmailDeps {
  emails: EmailStore;
  mailer: Mailer;
  /** How long a claim holds an e-mail: longer than the slowest send the mailer allows. */
  leaseMs: number;
}

export type SendOutcome = 'sent' | 'already-done' | 'unknown';

/** Thrown when another worker holds the e-mail: the queue retries, and by then it is done or free. */
export class EmailBusyError extends Error {
  override readonly name = 'EmailBusyError';
}

/**
 * One send attempt of e-mail `id`: claim it, send it, record the outcome. A failure puts
 * it back to pending and rethrows, so the queue retries with backoff; on the `final`
 * attempt it is marked failed instead, for an admin to retry.
 */
export async function sendEmail(id: number, delivery: { final: boolean }, deps: SendEmailDeps): Promise<SendOutcome> {
  const email = await deps.emails.claim(id, deps.leaseMs);
  if (!email) return whyNotClaimed(id, deps);
  try {
    const { raw } = await deps.mailer.send(outgoing(email));
    await deps.emails.markSent(id, email.attempts, raw);
    return 'sent';
  } catch (error) {
    const status = delivery.final ? 'failed' : 'pending';
    await deps.emails.markUnsent(id, email.attempts, status, describe(error));
    throw error;
  }
}

async function whyNotClaimed(id: number, deps: SendEmailDeps): Promise<SendOutcome> {
  const current = await deps.emails.find(id);
  if (!current) return 'unknown';
  if (current.status === 'sending') throw new EmailBusyError(`E-mail ${id} is being sent by another worker.`);
  // sent, or failed (only an admin's retry sends it again)
  return 'already-done';
}

function outgoing(email: Email) {
  return { to: email.to, subject: email.subject, text: email.text, html: email.html };
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.slice(0, 1000);
}
