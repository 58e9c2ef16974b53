import { createServer } from 'node:net';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Mailer, OutgoingEmail } from '../../src/domain/ports.ts';
import { MailboxMailer } from '../../src/mail/mailbox-mailer.ts';
import { SmtpMailer } from '../../src/mail/smtp-mailer.ts';
import { MAIL_FROM, WAIT } from '../helpers.ts';
import { startSmtpServer } from './smtp-server.ts';

type Smtp = Awaited<ReturnType<typeof startSmtpServer>>;

interface Adapter {
  name: string;
  mailer(): Mailer;
  /** The message as it was delivered: what the mailbox kept, or what the SMTP server received. */
  delivered(sent: { raw: string | null }): Promise<{ raw: string; to: string[] }>;
}

let smtp: Smtp;
let smtpMailer: SmtpMailer;
const mailbox = new MailboxMailer(MAIL_FROM);

const adapters: Adapter[] = [
  {
    name: 'mailbox',
    mailer: () => mailbox,
    delivered: async (sent) => {
      const parsed = await simpleParser(sent.raw ?? '');
      const to = parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((a) => a.address ?? '') : [];
      return { raw: sent.raw ?? '', to };
    },
  },
  {
    name: 'smtp',
    mailer: () => smtpMailer,
    delivered: async (sent) => {
      expect(sent.raw).toBeNull();
      await vi.waitFor(() => expect(smtp.received).toHaveLength(1), WAIT);
      const message = smtp.received.shift();
      return { raw: message?.raw ?? '', to: message?.to ?? [] };
    },
  },
];

const message: OutgoingEmail = {
  to: 'ada@example.com',
  subject: 'Your order #42 is confirmed — thank you',
  text: 'Espresso machine × 1   €1,299.00 each   €1,299.00\nTotal: €1,299.00',
  html: '<p>Espresso machine × 1 <b>€1,299.00</b></p>',
};

beforeAll(async () => {
  smtp = await startSmtpServer();
  smtpMailer = new SmtpMailer(smtp.url, MAIL_FROM);
});
afterAll(async () => {
  smtpMailer?.close();
  mailbox.close();
  await smtp?.close();
});

describe.each(adapters)('mailer contract ($name)', (adapter) => {
  it('when a message is sent, then it is delivered to the recipient as a real e-mail with text and HTML parts', async () => {
    const sent = await adapter.mailer().send(message);
    const delivered = await adapter.delivered(sent);

    expect(delivered.to).toEqual(['ada@example.com']);
    const parsed = await simpleParser(delivered.raw);
    expect(parsed.from?.value).toEqual([{ name: 'Shop', address: 'shop@localhost' }]);
    expect(parsed.subject).toBe('Your order #42 is confirmed — thank you');
    expect(parsed.text?.trim()).toBe(message.text);
    expect(parsed.html).toBe(message.html);
    expect(delivered.raw).toMatch(/^Content-Type: multipart\/alternative;/m);
  });
});

describe('SMTP mailer, server down', () => {
  it('when the SMTP server does not answer, then sending rejects, for the queue to retry', async () => {
    const port = await freePort();
    const mailer = new SmtpMailer(`smtp://127.0.0.1:${port}`, MAIL_FROM);
    try {
      await expect(mailer.send(message)).rejects.toThrow(/ECONNREFUSED|connect/i);
    } finally {
      mailer.close();
    }
  });
});

/** A port nothing listens on: bound once, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}
