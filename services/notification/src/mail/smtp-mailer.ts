import { createTransport, type Transporter } from 'nodemailer';
import type { Mailer, OutgoingEmail } from '../domain/ports.ts';

/** Bounds on one SMTP send, so a hung server cannot outlast the worker's claim on the e-mail. */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/**
 * Server mode: sends through the SMTP server at `url` (smtp://host:port, smtps://user:pass@host,
 * options as query parameters, e.g. ?tls.rejectUnauthorized=false), over a small pool of
 * connections.
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(url: string, from: string) {
    this.transport = createTransport({ url, pool: true, maxConnections: 5, ...SMTP_TIMEOUTS }, { from });
  }

  async send(message: OutgoingEmail): Promise<{ raw: string | null }> {
    await this.transport.sendMail(message);
    return { raw: null };
  }

  close(): void {
    this.transport.close();
  }
}
