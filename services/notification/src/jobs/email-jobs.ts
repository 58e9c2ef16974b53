import { randomUUID } from 'node:crypto';
import type { Bus, JobHandler, Logger } from '@shop/platform';
import type { EmailQueue } from '../domain/ports.ts';
import { type SendEmailDeps, sendEmail } from '../domain/send-email.ts';

/** The work queue of e-mails to send; each job names one e-mail. */
export const EMAIL_QUEUE = 'notification.email';

interface EmailJobData {
  email_id: number;
}

/** Puts e-mails on the bus's work queue. */
export class BusEmailQueue implements EmailQueue {
  constructor(private readonly bus: Bus) {}

  async enqueue(emailId: number, reason: 'new' | 'retry'): Promise<void> {
    // Job ids are unique per job: an admin's retry is a new job for the same e-mail.
    const id = reason === 'new' ? `email-${emailId}` : `email-${emailId}-retry-${randomUUID()}`;
    const data: EmailJobData = { email_id: emailId };
    await this.bus.enqueue(EMAIL_QUEUE, { id, type: EMAIL_QUEUE, data });
  }
}

/**
 * Runs one send attempt per job delivery. A failed send throws, so the bus retries it
 * with backoff; on the bus's final delivery the e-mail is marked failed.
 */
export function emailJobHandler(deps: SendEmailDeps & { logger: Logger }): JobHandler {
  return async (job, delivery) => {
    const emailId = (job.data as Partial<EmailJobData> | null)?.email_id;
    if (typeof emailId !== 'number' || !Number.isSafeInteger(emailId) || emailId < 1) {
      deps.logger.warn({ job_id: job.id }, 'e-mail job without an e-mail id; dropped');
      return;
    }
    const log = deps.logger.child({ job_id: job.id, email_id: emailId, attempt: delivery.attempt });
    try {
      const outcome = await sendEmail(emailId, delivery, deps);
      if (outcome === 'sent') log.info('e-mail sent');
      else log.debug({ outcome }, 'nothing to send');
    } catch (error) {
      if (delivery.final) log.error({ err: error }, 'e-mail job failed on its last delivery');
      throw error;
    }
  };
}
