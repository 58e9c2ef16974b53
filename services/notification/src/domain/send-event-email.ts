import type { EmailDraft } from './email.ts';
import type { EmailQueue } from './ports.ts';
import { type SendClaimedEmailDeps, sendClaimedEmail } from './send-claimed-email.ts';

export interface SendEventEmailDeps extends SendClaimedEmailDeps {
  /** How long the first send's claim holds the e-mail: longer than the slowest send the mailer allows. */
  leaseMs: number;
  queue: EmailQueue;
}

/** What became of an event's e-mail: sent now, left to the work queue, failed, or done before. */
export type EventEmailOutcome = 'sent' | 'queued' | 'failed' | 'already-done';

export interface EventEmailResult {
  emailId: number;
  outcome: EventEmailOutcome;
  /** Why the first send failed, when it did. */
  error?: unknown;
}

/**
 * The e-mail answering one event: saved once per event id, claimed by this call, and sent
 * at once, without a trip through the work queue. A failed first send goes to the work
 * queue, which retries it with backoff (unless it was the only send EMAIL_ATTEMPTS
 * allows: then it is failed). A redelivered event finds its e-mail saved already;
 * while it is pending or sending, the delivery before died before it finished (or its send
 * failed before the job was queued), so it queues a job: the job's claim waits out a send
 * still under way, and a second job for the same e-mail is harmless.
 */
export async function sendEventEmail(
  eventId: string,
  draft: EmailDraft,
  deps: SendEventEmailDeps,
): Promise<EventEmailResult | null> {
  const recorded = await deps.emails.recordOnce(eventId, draft, deps.leaseMs);
  if (!recorded) return null;
  const { email, created } = recorded;
  if (!created) {
    if (email.status !== 'pending' && email.status !== 'sending') return { emailId: email.id, outcome: 'already-done' };
    await deps.queue.enqueue(email.id, 'new');
    return { emailId: email.id, outcome: 'queued' };
  }
  const result = await sendClaimedEmail(email, deps, false);
  if (result.status === 'sent') return { emailId: email.id, outcome: 'sent' };
  if (result.status === 'failed') return { emailId: email.id, outcome: 'failed', error: result.error };
  await deps.queue.enqueue(email.id, 'new');
  return { emailId: email.id, outcome: 'queued', error: result.error };
}
