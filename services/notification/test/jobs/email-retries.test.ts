import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
  waitForEmails,
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
  afterAll(async () => {
    await service?.close();
  });

  it('when the mailer throws twice then succeeds, then one e-mail is sent, on attempt 3', async () => {
    mailer.failures = 2;
    const deadBefore = (await service.bus.deadLetters(EMAIL_QUEUE)).length;

    await service.bus.publish(orderPlaced());

    const [email] = await waitForEmails(service, 1, 'sent');
    expect(email).toMatchObject({ status: 'sent', attempts: 3 });
    expect(email?.lastError).toMatch(/^SMTP 421: try again later/);
    expect(email?.raw).toContain('Subject: Your order #42 is confirmed');
    expect(mailer.calls).toHaveLength(3);
    expect(await service.bus.deadLetters(EMAIL_QUEUE)).toHaveLength(deadBefore);
  });

  it('when the mailer always throws, then the e-mail is failed after EMAIL_ATTEMPTS and listed with its error', async () => {
    mailer.broken = true;
    const deadBefore = (await service.bus.deadLetters(EMAIL_QUEUE)).length;

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
    const dead = await service.bus.deadLetters(EMAIL_QUEUE);
    expect(dead).toHaveLength(deadBefore + 1);
    expect(dead.at(-1)).toMatchObject({
      attempts: ATTEMPTS,
      error: 'SMTP 451: mailbox temporarily unavailable',
      message: { id: `email-${email?.id}`, data: { email_id: email?.id } },
    });

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
});
