import { type SendClaimedEmailDeps, sendClaimedEmail } from './send-claimed-email.ts';

export interface SendEmailDeps extends SendClaimedEmailDeps {
  /** How long a claim holds an e-mail: longer than the slowest send the mailer allows. */
  leaseMs: number;
  /** The wait after a failed send before the next one (EMAIL_BACKOFF_MS): the queue's first backoff. */
  backoffMs: number;
}

export type SendOutcome = 'sent' | 'failed' | 'already-done' | 'unknown';

/** Thrown when another worker holds the e-mail: the queue retries, and by then it is done or free. */
export class EmailBusyError extends Error {
  override readonly name = 'EmailBusyError';
}

/** Thrown when the e-mail's last send failed moments ago: the queue retries after its backoff. */
export class EmailNotDueError extends Error {
  override readonly name = 'EmailNotDueError';
}

/**
 * One send attempt of e-mail `id` by a job: claim it, send it, record the outcome. A send
 * that fails before the e-mail's last puts it back to pending and rethrows, so the queue
 * retries with backoff; the last one marks it failed and returns, a business outcome for
 * an admin, not a job the queue could not handle.
 */
export async function sendEmail(
  id: number,
  delivery: { attempt: number; final: boolean },
  deps: SendEmailDeps,
): Promise<SendOutcome> {
  // A job's first delivery comes at once, and the consumer queues one when its own first
  // send failed: the e-mail rests for the backoff before its second send, as between the
  // job's own deliveries. Never on the final delivery, which would dead-letter the job.
  const restMs = delivery.attempt === 1 && !delivery.final ? deps.backoffMs : 0;
  const email = await deps.emails.claim(id, deps.leaseMs, restMs);
  if (!email) return whyNotClaimed(id, deps);
  const result = await sendClaimedEmail(email, deps, delivery.final);
  if (result.status === 'pending') throw result.error;
  return result.status;
}

async function whyNotClaimed(id: number, deps: SendEmailDeps): Promise<SendOutcome> {
  const current = await deps.emails.find(id);
  if (!current) return 'unknown';
  if (current.status === 'sending') throw new EmailBusyError(`E-mail ${id} is being sent by another worker.`);
  if (current.status === 'pending') throw new EmailNotDueError(`E-mail ${id} failed a send moments ago.`);
  // sent, or failed (only an admin's retry sends it again)
  return 'already-done';
}
