import { createTransport, type Transporter } from 'nodemailer';
import type { Mailer, OutgoingEmail } from '../domain/ports.ts';

/** Bounds on one SMTP send, so a hung server cannot outlast the worker's claim on the e-mail. */
export function smtpTimeouts(sendTimeoutMs: number) {
  const connect = Math.min(10_000, sendTimeoutMs);
  return { connectionTimeout: connect, greetingTimeout: connect, socketTimeout: sendTimeoutMs };
}

/** How long a worker's claim on an e-mail lasts: well past the slowest send the mailer allows. */
export function claimLeaseMs(sendTimeoutMs: number): number {
  return sendTimeoutMs * 3;
}

/**
 * Server mode: sends through the SMTP server at `url` (smtp://host:port, smtps://user:pass@host,
 * options as query parameters, e.g. ?tls.rejectUnauthorized=false), over a small pool of
 * connections.
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(url: string, from: string, sendTimeoutMs = 20_000) {
    this.transport = createTransport({ url, pool: true, maxConnections: 5, ...smtpTimeouts(sendTimeoutMs) }, { from });
  }

  async send(message: OutgoingEmail): Promise<{ raw: string | null }> {
    await this.transport.sendMail(message);
    return { raw: null };
  }

  close(): void {
    this.transport.close();
  }
}
