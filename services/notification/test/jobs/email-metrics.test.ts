import { databaseTargets, scrapeMetric } from '@shop/platform/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONSUMER } from '../../src/events/email-consumer.ts';
import { EMAIL_QUEUE } from '../../src/jobs/email-jobs.ts';
import { FlakyMailer } from '../fakes/mailers.ts';
import {
  bearer,
  buildTestNotification,
  orderPlaced,
  settle,
  type TestNotification,
  userRegistered,
  waitForEmails,
} from '../helpers.ts';

describe.each(databaseTargets())('the notification service’s e-mail and job metrics ($name)', (target) => {
  const ATTEMPTS = 3;
  const mailer = new FlakyMailer();
  let service: TestNotification;

  beforeAll(async () => {
    // Long enough that the job's first delivery always comes before the backoff is over.
    service = await buildTestNotification(target, { mailer, attempts: ATTEMPTS, backoffMs: 100 });
  });
  beforeEach(async () => {
    await service.reset();
    mailer.reset();
  });
  afterAll(async () => {
    await service?.close();
  });

  /** Reads every counter these tests watch from GET /metrics. */
  async function counts() {
    const scrape = (name: string, labels: Record<string, string> = {}) =>
      scrapeMetric(service.app, name, { service: 'notification', ...labels });
    return {
      sent: await scrape('emails_sent_total'),
      failed: await scrape('emails_failed_total'),
      jobRetries: await scrape('bus_retries_total', { queue: EMAIL_QUEUE }),
      jobDeadLetters: await scrape('bus_dead_letters_total', { queue: EMAIL_QUEUE }),
      eventRetries: await scrape('bus_retries_total', { queue: CONSUMER }),
    };
  }

  it('when the service starts, then every counter is there at a value, retries and dead letters per queue', async () => {
    const now = await counts();
    for (const [name, value] of Object.entries(now)) expect(value, name).toBeTypeOf('number');
  });

  it('when an e-mail is sent at once, then emails_sent_total goes up and no job ran, so no job retries', async () => {
    const before = await counts();

    await service.bus.publish(orderPlaced());
    await waitForEmails(service, 1, 'sent');
    await settle();

    const after = await counts();
    expect(after.sent).toBe((before.sent ?? 0) + 1);
    expect(after.jobRetries).toBe(before.jobRetries);
    expect(after.failed).toBe(before.failed);
    expect(after.eventRetries).toBe(before.eventRetries);
  });

  it('when an e-mail is sent after two refusals, then emails_sent_total and the job retries go up, and nothing failed', async () => {
    const before = await counts();
    mailer.failures = 2;

    await service.bus.publish(orderPlaced());
    await waitForEmails(service, 1, 'sent');
    await settle();

    // The consumer's refused send queues a job; the job's first delivery waits out the
    // backoff (a retry), its second is refused (a retry), its third sends.
    const after = await counts();
    expect(after.sent).toBe((before.sent ?? 0) + 1);
    expect(after.jobRetries).toBe((before.jobRetries ?? 0) + 2);
    expect(after.failed).toBe(before.failed);
    expect(after.jobDeadLetters).toBe(before.jobDeadLetters);
    expect(after.eventRetries).toBe(before.eventRetries);
  });

  it('when every send is refused, then emails_failed_total goes up by one and no job is dead-lettered; an admin’s retry that gets through counts as sent', async () => {
    const before = await counts();
    mailer.broken = true;

    await service.bus.publish(userRegistered());
    const [email] = await waitForEmails(service, 1, 'failed');
    await settle();

    const failed = await counts();
    expect(mailer.calls).toHaveLength(ATTEMPTS);
    expect(failed.failed).toBe((before.failed ?? 0) + 1);
    expect(failed.jobDeadLetters).toBe(before.jobDeadLetters);
    expect(failed.jobRetries).toBe((before.jobRetries ?? 0) + ATTEMPTS - 1);
    expect(failed.eventRetries).toBe(before.eventRetries);
    expect(failed.sent).toBe(before.sent);

    mailer.broken = false;
    const retry = await service.app.inject({
      method: 'POST',
      url: `/api/admin/emails/${email?.id}/retry`,
      headers: bearer(service.tokens.admin),
    });
    expect(retry.statusCode, retry.body).toBe(200);
    await waitForEmails(service, 1, 'sent');
    // The counter goes up once the stored 'sent' has committed, so it may trail the row.
    await vi.waitFor(async () => expect((await counts()).sent).toBe((before.sent ?? 0) + 1));
  });
});
