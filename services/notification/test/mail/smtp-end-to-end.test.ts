import { databaseTargets } from '@shop/platform/testing';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SmtpMailer } from '../../src/mail/smtp-mailer.ts';
import {
  buildTestNotification,
  MAIL_FROM,
  orderPlaced,
  type TestNotification,
  WAIT,
  waitForEmails,
} from '../helpers.ts';
import { startSmtpServer } from './smtp-server.ts';

describe.each(databaseTargets())('order confirmation over SMTP ($name)', (target) => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let mailer: SmtpMailer;
  let service: TestNotification;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    mailer = new SmtpMailer(smtp.url, MAIL_FROM);
    service = await buildTestNotification(target, { mailer });
  });
  afterAll(async () => {
    await service?.close();
    mailer?.close();
    await smtp?.close();
  });

  it('when order.placed is published, then the SMTP server receives the confirmation with recipient, subject and lines', async () => {
    await service.bus.publish(orderPlaced({ order_id: 77, email: 'grace@example.com' }));

    await vi.waitFor(() => expect(smtp.received).toHaveLength(1), WAIT);
    const [message] = smtp.received;
    expect(message?.to).toEqual(['grace@example.com']);
    expect(message?.from).toBe('shop@localhost');
    const parsed = await simpleParser(message?.raw ?? '');
    expect(parsed.subject).toBe('Your order #77 is confirmed');
    expect(parsed.text).toContain('Espresso machine × 1   €1,299.00 each   €1,299.00');
    expect(parsed.text).toContain('Coffee beans 1 kg × 2   €18.50 each   €37.00');
    expect(parsed.text).toContain('Total: €1,336.00');
    expect(parsed.html).toContain('<td>Coffee beans 1 kg × 2</td>');

    const [email] = await waitForEmails(service, 1, 'sent');
    expect(email).toMatchObject({ to: 'grace@example.com', attempts: 1, raw: null });
  });
});
