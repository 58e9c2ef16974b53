import { databaseTargets } from '@shop/platform/testing';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  allEmails,
  buildTestNotification,
  orderCancelled,
  orderPlaced,
  settle,
  type TestNotification,
  userRegistered,
  waitForEmails,
} from '../helpers.ts';

describe.each(databaseTargets())('events to e-mails in process ($name)', (target) => {
  let service: TestNotification;

  beforeAll(async () => {
    service = await buildTestNotification(target);
  });
  beforeEach(async () => {
    await service.reset();
  });
  afterAll(async () => {
    await service?.close();
  });

  it('when order.placed is published, then the mailbox holds one sent confirmation with the lines and total', async () => {
    await service.bus.publish(orderPlaced({ order_id: 42 }));

    const [email] = await waitForEmails(service, 1);
    expect(email).toMatchObject({
      kind: 'order_confirmation',
      to: 'ada@example.com',
      subject: 'Your order #42 is confirmed',
      attempts: 1,
      lastError: null,
    });
    expect(email?.sentAt).toBeInstanceOf(Date);
    expect(email?.text).toContain('Espresso machine × 1   €1,299.00 each   €1,299.00');
    expect(email?.text).toContain('Coffee beans 1 kg × 2   €18.50 each   €37.00');
    expect(email?.text).toContain('Total: €1,336.00');
  });

  it('when the confirmation is in the mailbox, then its raw message is a real e-mail with text and HTML parts', async () => {
    await service.bus.publish(orderPlaced({ order_id: 43 }));
    const [email] = await waitForEmails(service, 1);
    expect(email?.raw).toMatch(/^Content-Type: multipart\/alternative;\s+boundary=/m);
    expect(email?.raw).toMatch(/^Content-Type: text\/plain; charset=utf-8\r$/m);
    expect(email?.raw).toMatch(/^Content-Type: text\/html; charset=utf-8\r$/m);

    const parsed = await simpleParser(email?.raw ?? '');
    expect(parsed.subject).toBe('Your order #43 is confirmed');
    expect(parsed.from?.value).toEqual([{ name: 'Shop', address: 'shop@localhost' }]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((a) => a.address) : []).toEqual([
      'ada@example.com',
    ]);
    expect(parsed.messageId).toMatch(/^<.+@.+>$/);
    expect(parsed.text).toContain('Coffee beans 1 kg × 2   €18.50 each   €37.00');
    expect(parsed.text).toContain('Total: €1,336.00');
    expect(parsed.html).toContain('<td>Espresso machine × 1</td>');
    expect(parsed.html).toContain('€1,336.00');
  });

  it('when the same order.placed event is delivered twice, then there is one e-mail, sent once', async () => {
    const event = orderPlaced();
    await service.bus.publish(event);
    await service.bus.publish(event);
    await waitForEmails(service, 1);
    await service.bus.publish(event);
    await settle();

    const emails = await allEmails(service);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ eventId: event.id, status: 'sent', attempts: 1 });
  });

  it('when account.user_registered is published, then a welcome mail goes to the new user', async () => {
    await service.bus.publish(userRegistered({ email: 'grace@example.com', name: 'Grace Hopper' }));

    const [email] = await waitForEmails(service, 1);
    expect(email).toMatchObject({ kind: 'welcome', to: 'grace@example.com', subject: 'Welcome to the shop' });
    const parsed = await simpleParser(email?.raw ?? '');
    expect(parsed.text).toContain('Hello Grace Hopper,');
    expect(parsed.html).toContain('<p>Hello Grace Hopper,</p>');
  });

  it('when order.cancelled is published, then a cancellation notice names the order and the reason', async () => {
    await service.bus.publish(orderCancelled({ order_id: 9, reason: 'cancelled by the shop' }));

    const [email] = await waitForEmails(service, 1);
    expect(email).toMatchObject({ kind: 'order_cancellation', to: 'ada@example.com' });
    expect(email?.subject).toBe('Your order #9 was cancelled');
    expect(email?.text).toContain('your order #9 was cancelled (cancelled by the shop)');
  });

  it('when an event of each kind arrives, then each gets its own e-mail', async () => {
    await service.bus.publish(userRegistered());
    await service.bus.publish(orderPlaced());
    await service.bus.publish(orderCancelled());

    const emails = await waitForEmails(service, 3);
    expect(emails.map((email) => email.kind).sort()).toEqual(['order_cancellation', 'order_confirmation', 'welcome']);
  });

  it('when an event carries malformed data, then it is dropped without an e-mail and later events still go out', async () => {
    await service.bus.publish(orderPlaced({ items: 'two espresso machines' }));
    await service.bus.publish(orderPlaced({ currency: 'euro' }));
    await service.bus.publish(orderCancelled({ order_id: '42' }));
    await service.bus.publish(userRegistered({ email: undefined }));
    await service.bus.publish({ ...userRegistered(), id: 'not-a-uuid' });
    await settle();
    expect(await allEmails(service)).toEqual([]);
    expect(await service.bus.deadLetters('notification')).toEqual([]);

    await service.bus.publish(userRegistered());
    await waitForEmails(service, 1);
  });
});
