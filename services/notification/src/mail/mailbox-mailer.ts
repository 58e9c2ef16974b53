import { createTransport, type Transporter } from 'nodemailer';
import type { Mailer, OutgoingEmail } from '../domain/ports.ts';

/**
 * Embedded mode: nodemailer renders the complete RFC 822 message (headers, a
 * multipart/alternative body with the text and HTML parts) and, instead of handing it to
 * a server, returns it to be kept with the e-mail, where the admin API shows it.
 */
export class MailboxMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(from: string) {
    this.transport = createTransport({ streamTransport: true, buffer: true, newline: 'windows' }, { from });
  }

  async send(message: OutgoingEmail): Promise<{ raw: string | null }> {
    const info = await this.transport.sendMail(message);
    const rendered: unknown = info.message;
    if (!Buffer.isBuffer(rendered)) throw new Error('the mailbox transport returned no rendered message');
    return { raw: rendered.toString('utf8') };
  }

  close(): void {
    this.transport.close();
  }
}
