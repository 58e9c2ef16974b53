import type { Email, EmailDraft } from './email.ts';
import type { EmailQueue, EmailStore } from './ports.ts';

export interface QueueEmailDeps {
  emails: EmailStore;
  queue: EmailQueue;
}

/**
 * The e-mail answering one event: saved once per event id, then put on the work queue.
 * A redelivered event finds its e-mail saved already; it queues it again only while no
 * send was tried, which covers a crash between the commit and the enqueue (the worker's
 * claim makes a second job for the same e-mail harmless).
 */
export async function queueEmail(eventId: string, draft: EmailDraft, deps: QueueEmailDeps): Promise<Email | null> {
  const email = await deps.emails.recordOnce(eventId, draft);
  if (email && email.status === 'pending' && email.attempts === 0) {
    await deps.queue.enqueue(email.id, 'new');
  }
  return email;
}
