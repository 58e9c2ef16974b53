import { notFound } from '@shop/platform/errors';
import { checkRetry, type Email } from './email.ts';
import type { EmailQuery, EmailQueue, EmailStore } from './ports.ts';

export interface ManageEmailsDeps {
  emails: EmailStore;
  queue: EmailQueue;
}

export function listEmails(query: EmailQuery, deps: ManageEmailsDeps) {
  return deps.emails.list(query);
}

export async function getEmail(id: number, deps: ManageEmailsDeps): Promise<Email> {
  const email = await deps.emails.find(id);
  if (!email) throw notFound(`No e-mail with id ${id}.`);
  return email;
}

/** A failed e-mail, or one whose worker died while sending, goes back on the queue with a fresh count of attempts. */
export async function retryEmail(id: number, deps: ManageEmailsDeps): Promise<Email> {
  checkRetry(await getEmail(id, deps), new Date());
  const requeued = await deps.emails.requeue(id);
  if (!requeued) return retryEmail(id, deps); // changed meanwhile: decide again on its new status
  await deps.queue.enqueue(id, 'retry');
  return requeued;
}
