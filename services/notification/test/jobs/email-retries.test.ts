import { randomUUID } from 'node:crypto';
import { databaseTargets } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { welcomeEmail } from '../../src/domain/templates.ts';
import { EMAIL_QUEUE } from '../../src/jobs/email-jobs.ts';
import { FlakyMailer } from '../fakes/mailers.ts';
import {
  allEmails,
  bearer,
  buildTestNotification,
  orderPlaced,
  settle,
  type TestNotification,
  userRegistered,
  WAIT,
  waitForEmails,
  watchEmailJobs,
} from '../helpers.ts';

describe.each(databaseTargets())('sending with retries ($name)', (target) => {
  const ATTEMPTS = 4;
  const mailer = new FlakyMailer();
  let service: TestNotification;

  beforeAll(async () => {
    service = await buildTestNotification(target, { mailer, attempts: ATTEMPTS, backoffMs: 5 });
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

  it('when the first send fails, then exactly one job is queued and it sends the e-mail on attempt 2', async () => {
    mailer.failures = 1;
    const watch = watchEmailJobs(service);

    await service.bus.publish(orderPlaced());

    const [email] = await waitForEmails(service, 1, 'sent');
    expect(email).toMatchObject({ status: 'sent', attempts: 2 });
    expect(email?.lastError).toMatch(/^SMTP 421: try again later/);
    await settle();
    expect(mailer.calls).toHaveLength(2);
    expect(watch.jobs()).toEqual([{ id: `email-${email?.id}`, type: EMAIL_QUEUE, data: { email_id: email?.id } }]);
  });

  it('when the first send fails, then the second waits for EMAIL_BACKOFF_MS, as between the job’s own retries', async () => {
    const backoffMs = 400;
    const slow = await buildTestNotification(target, { mailer, attempts: ATTEMPTS, backoffMs });
    try {
      mailer.failures = 1;
      await slow.bus.publish(orderPlaced());
      await vi.waitFor(() => expect(mailer.calls).toHaveLength(1), WAIT);
      const failedAt = Date.now();
      await settle(backoffMs / 2);
      expect(mailer.calls).toHaveLength(1); // not sent again at once

      const [email] = await waitForEmails(slow, 1, 'sent');
      expect(Date.now() - failedAt).toBeGreaterThanOrEqual(backoffMs - 50);
      expect(email).toMatchObject({ attempts: 2 });
      expect(mailer.calls).toHaveLength(2);
    } finally {
      await slow.close();
    }
  });

  it('when the mailer throws twice then succeeds, then one e-mail is sent, on attempt 3', async () => {
    mailer.failures = 2;

    await service.bus.publish(orderPlaced());

    const [email] = await waitForEmails(service, 1, 'sent');
    expect(email).toMatchObject({ status: 'sent', attempts: 3 });
    expect(email?.lastError).toMatch(/^SMTP 421: try again later/);
    expect(email?.raw).toContain('Subject: Your order #42 is confirmed');
    expect(mailer.calls).toHaveLength(3);
    expect(await service.bus.deadLetters(EMAIL_QUEUE)).toEqual([]);
  });

  it('when the mailer always throws, then the e-mail is failed after EMAIL_ATTEMPTS sends, listed with its error, and no job is dead-lettered', async () => {
    mailer.broken = true;
    const watch = watchEmailJobs(service);

    await service.bus.publish(userRegistered());

    const [email] = await waitForEmails(service, 1, 'failed');
    expect(email).toMatchObject({
      attempts: ATTEMPTS,
      lastError: 'SMTP 451: mailbox temporarily unavailable',
      raw: null,
    });
    expect(email?.sentAt).toBeNull();
    await settle();
    expect(mailer.calls).toHaveLength(ATTEMPTS);
    expect(watch.jobs()).toHaveLength(1);
    // A failed e-mail is the admin's to retry: the job that marked it failed did its work.
    expect(await service.bus.deadLetters(EMAIL_QUEUE)).toEqual([]);
    expect(await service.bus.deadLetters('notification')).toEqual([]);

    const listed = await service.app.inject({ url: '/api/admin/emails', headers: bearer(service.tokens.admin) });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toEqual([
      {
        id: email?.id,
        to: 'ada@example.com',
        subject: 'Welcome to the shop',
        status: 'failed',
        attempts: ATTEMPTS,
        last_error: 'SMTP 451: mailbox temporarily unavailable',
        created_at: email?.createdAt.toISOString(),
      },
    ]);
    const failedOnly = await service.app.inject({
      url: '/api/admin/emails?status=failed',
      headers: bearer(service.tokens.admin),
    });
    expect(failedOnly.json().items.map((item: { id: number }) => item.id)).toEqual([email?.id]);
  });

  it('when a job’s send reaches EMAIL_ATTEMPTS before the bus’s last delivery, then that send is the last: failed, not retried', async () => {
    // As an e-mail whose job came late: ATTEMPTS - 1 sends failed, the last long ago.
    const recorded = await service.context.sendEmail.emails.recordOnce(
      randomUUID(),
      welcomeEmail({ to: 'ada@example.com', name: 'Ada Lovelace' }),
      60_000,
    );
    const id = recorded?.email.id ?? 0;
    await service.database.db.execute(
      sql`update notification.emails set status = 'pending', attempts = ${ATTEMPTS - 1}, sending_until = null,
            last_error = 'SMTP 421: try again later', updated_at = now() - interval '1 hour' where id = ${id}`,
    );
    mailer.broken = true;

    await service.bus.enqueue(EMAIL_QUEUE, { id: `email-${id}`, type: EMAIL_QUEUE, data: { email_id: id } });

    const [email] = await waitForEmails(service, 1, 'failed');
    expect(email).toMatchObject({ id, attempts: ATTEMPTS, lastError: 'SMTP 451: mailbox temporarily unavailable' });
    await settle();
    expect(mailer.calls).toHaveLength(1);
    expect(await service.bus.deadLetters(EMAIL_QUEUE)).toEqual([]);
  });

  it('when EMAIL_ATTEMPTS is 1 and the first send fails, then the e-mail is failed at once and no job is queued', async () => {
    const once = await buildTestNotification(target, { mailer, attempts: 1, backoffMs: 5 });
    try {
      mailer.broken = true;
      const watch = watchEmailJobs(once);

      await once.bus.publish(userRegistered());

      const [email] = await waitForEmails(once, 1, 'failed');
      expect(email).toMatchObject({ attempts: 1, lastError: 'SMTP 451: mailbox temporarily unavailable' });
      await settle();
      expect(mailer.calls).toHaveLength(1);
      expect(watch.jobs()).toEqual([]);
    } finally {
      await once.close();
    }
  });

  it('when a failed e-mail is retried and the mailer works again, then it is sent with a fresh count of attempts', async () => {
    mailer.broken = true;

    await service.bus.publish(orderPlaced());
    const [failed] = await waitForEmails(service, 1, 'failed');
    mailer.broken = false;

    const retried = await service.app.inject({
      method: 'POST',
      url: `/api/admin/emails/${failed?.id}/retry`,
      headers: bearer(service.tokens.admin),
    });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ id: failed?.id, status: 'pending', attempts: 0 });
    const twice = await service.app.inject({
      method: 'POST',
      url: `/api/admin/emails/${failed?.id}/retry`,
      headers: bearer(service.tokens.admin),
    });
    expect(twice.statusCode).toBe(409);

    const [sent] = await waitForEmails(service, 1, 'sent');
    expect(sent).toMatchObject({ id: failed?.id, attempts: 1 });
    expect(sent?.raw).toContain('Subject: Your order #42 is confirmed');
    await settle();
    expect(mailer.calls).toHaveLength(ATTEMPTS + 1);
  });

  it('when a sent e-mail is retried, then the answer is 409 and nothing is sent again', async () => {
    await service.bus.publish(orderPlaced());
    const [sent] = await waitForEmails(service, 1, 'sent');

    const again = await service.app.inject({
      method: 'POST',
      url: `/api/admin/emails/${sent?.id}/retry`,
      headers: bearer(service.tokens.admin),
    });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.json().detail).toBe(`Only a failed e-mail can be retried; e-mail ${sent?.id} is sent.`);
    await settle();
    expect(mailer.calls).toHaveLength(1);
    expect((await allEmails(service))[0]).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('when a job arrives for an e-mail already sent, then it does nothing', async () => {
    await service.bus.publish(userRegistered());
    const [sent] = await waitForEmails(service, 1, 'sent');

    await service.bus.enqueue(EMAIL_QUEUE, {
      id: `email-${sent?.id}`,
      type: EMAIL_QUEUE,
      data: { email_id: sent?.id },
    });
    await settle();
    expect(mailer.calls).toHaveLength(1);
    expect((await allEmails(service))[0]).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('when a worker died mid-send and its claim outlives the job’s deliveries, then a fresh job sends the e-mail once the claim lapses', async () => {
    await service.bus.publish(orderPlaced());
    const [confirmation] = await waitForEmails(service, 1, 'sent');
    // As a worker that died mid-send leaves it: sending, under a claim that lapses in 1.5 s,
    // while a job's 4 deliveries (5 ms backoff) are over in well under that.
    await service.database.db.execute(
      sql`update notification.emails set status = 'sending', sending_until = now() + interval '1500 milliseconds'
          where id = ${confirmation?.id}`,
    );
    const callsBefore = mailer.calls.length;

    await service.bus.enqueue(EMAIL_QUEUE, {
      id: `email-${confirmation?.id}-after-crash`,
      type: EMAIL_QUEUE,
      data: { email_id: confirmation?.id },
    });

    await vi.waitFor(
      async () => {
        const email = (await allEmails(service)).find((candidate) => candidate.id === confirmation?.id);
        expect(email?.status).toBe('sent');
      },
      { timeout: 5_000, interval: 100 },
    );
    expect(mailer.calls.length).toBe(callsBefore + 1);
  });
});
