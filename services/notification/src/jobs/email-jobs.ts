import { randomUUID } from 'node:crypto';
import type { Bus, JobHandler, Logger } from '@shop/platform';
import type { EmailQueue } from '../domain/ports.ts';
import { EmailBusyError, type SendEmailDeps, sendEmail } from '../domain/send-email.ts';

/** The work queue of e-mails to send again; each job names one e-mail. */
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
 * Runs one send attempt per job delivery: jobs retry e-mails whose first send, in the
 * event's consumer, failed or did not finish. A failed send throws, so the bus retries it
 * with backoff; the e-mail's last send (the bus's final delivery, or EMAIL_ATTEMPTS reached)
 * marks it failed and the job ends there, not as a dead letter. An e-mail another worker
 * holds is retried the same way; if it is still held at the final delivery (that worker
 * died mid-send and its claim has not lapsed yet, as after a crash), a fresh job takes over
 * rather than leave it pending for good.
 */
export function emailJobHandler(deps: SendEmailDeps & { logger: Logger; queue: EmailQueue }): JobHandler {
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
      else if (outcome === 'failed') log.warn('e-mail failed its last send; listed as failed for an admin to retry');
      else log.debug({ outcome }, 'nothing to send');
    } catch (error) {
      if (error instanceof EmailBusyError && delivery.final) {
        log.warn('e-mail still held by another worker at the last delivery; queued again');
        await deps.queue.enqueue(emailId, 'retry');
        return;
      }
      if (delivery.final) log.error({ err: error }, 'e-mail job failed on its last delivery');
      throw error;
    }
  };
}
