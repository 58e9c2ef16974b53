import { databaseTargets } from '@shop/platform/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { welcomeEmail } from '../../src/domain/templates.ts';
import { EMAIL_QUEUE } from '../../src/jobs/email-jobs.ts';
import { FlakyMailer } from '../fakes/mailers.ts';
import {
  allEmails,
  buildTestNotification,
  orderPlaced,
  settle,
  type TestNotification,
  userRegistered,
  WAIT,
  waitForEmails,
  watchEmailJobs,
} from '../helpers.ts';

describe.each(databaseTargets())('the first send, in the event’s consumer ($name)', (target) => {
  const mailer = new FlakyMailer();
  let service: TestNotification;

  beforeAll(async () => {
    service = await buildTestNotification(target, { mailer, attempts: 4, backoffMs: 5 });
  });
  beforeEach(async () => {
    await service.reset();
    mailer.reset();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await service?.close();
  });

  /** The e-mail of `eventId` as a delivery that died mid-send left it: sending, attempt 1, claimed for `leaseMs`. */
  async function diedMidSend(eventId: string, leaseMs: number) {
    const recorded = await service.context.sendEventEmail.emails.recordOnce(
      eventId,
      welcomeEmail({ to: 'ada@example.com', name: 'Ada Lovelace' }),
      leaseMs,
    );
    if (!recorded?.created) throw new Error('no new e-mail recorded');
    return recorded.email;
  }

  it('when an event arrives, then its e-mail is sent on attempt 1 and no job goes on the work queue', async () => {
    const watch = watchEmailJobs(service);

    await service.bus.publish(orderPlaced({ order_id: 7 }));

    const [email] = await waitForEmails(service, 1, 'sent');
    expect(email).toMatchObject({ subject: 'Your order #7 is confirmed', attempts: 1, lastError: null });
    await settle();
    expect(mailer.calls).toHaveLength(1);
    expect(watch.jobs()).toEqual([]);
    expect(await service.bus.deadLetters(EMAIL_QUEUE)).toEqual([]);
  });

  it('when an event is delivered again after its e-mail was sent, then nothing is queued or sent', async () => {
    const event = userRegistered();
    await service.bus.publish(event);
    await waitForEmails(service, 1, 'sent');
    const watch = watchEmailJobs(service);

    await service.bus.publish(event);
    await settle();

    expect(mailer.calls).toHaveLength(1);
    expect(watch.jobs()).toEqual([]);
    expect(await allEmails(service)).toMatchObject([{ eventId: event.id, status: 'sent', attempts: 1 }]);
  });

  it('when an event comes back after its delivery died mid-send and the claim has lapsed, then one job sends the e-mail, once', async () => {
    const event = userRegistered();
    const email = await diedMidSend(event.id, 1);
    await settle(20);
    const watch = watchEmailJobs(service);

    await service.bus.publish(event);

    const [sent] = await waitForEmails(service, 1, 'sent');
    expect(sent).toMatchObject({ id: email.id, attempts: 2 });
    await settle();
    expect(mailer.calls).toHaveLength(1);
    expect(watch.jobs()).toEqual([{ id: `email-${email.id}`, type: EMAIL_QUEUE, data: { email_id: email.id } }]);
  });

  it('when an event comes back while the dead delivery’s claim still holds, then the e-mail is sent once the claim lapses, once', async () => {
    const event = userRegistered();
    // Longer than the job's 4 deliveries at 5 ms backoff: a fresh job has to take over.
    const email = await diedMidSend(event.id, 800);

    await service.bus.publish(event);
    await settle(300);
    expect(mailer.calls).toHaveLength(0); // the claim holds: no one sends it meanwhile
    expect((await allEmails(service))[0]).toMatchObject({ status: 'sending', attempts: 1 });

    await vi.waitFor(async () => expect((await allEmails(service))[0]?.status).toBe('sent'), WAIT);
    expect((await allEmails(service))[0]).toMatchObject({ id: email.id, attempts: 2 });
    await settle();
    expect(mailer.calls).toHaveLength(1);
    expect(await service.bus.deadLetters(EMAIL_QUEUE)).toEqual([]);
  });

  it('when an event comes back whose first send failed before its job was queued, then a job sends the e-mail', async () => {
    const event = userRegistered();
    const email = await diedMidSend(event.id, 60_000);
    await service.context.sendEventEmail.emails.markUnsent(email.id, 1, 'pending', 'SMTP 421: try again later');
    const watch = watchEmailJobs(service);

    await service.bus.publish(event);

    const [sent] = await waitForEmails(service, 1, 'sent');
    expect(sent).toMatchObject({ id: email.id, attempts: 2 });
    expect(mailer.calls).toHaveLength(1);
    expect(watch.jobs()).toHaveLength(1);
  });
});
