import type { Mailer, OutgoingEmail } from '../../src/domain/ports.ts';
import { MailboxMailer } from '../../src/mail/mailbox-mailer.ts';
import { MAIL_FROM } from '../helpers.ts';

/** The built-in mailbox behind a switch: fails the next `failures` sends, or every send while `broken`. */
export class FlakyMailer implements Mailer {
  calls: OutgoingEmail[] = [];
  failures = 0;
  broken = false;
  private readonly inner = new MailboxMailer(MAIL_FROM);

  async send(message: OutgoingEmail): Promise<{ raw: string | null }> {
    this.calls.push(message);
    if (this.broken) throw new Error('SMTP 451: mailbox temporarily unavailable');
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error(`SMTP 421: try again later (${this.failures} more failures to come)`);
    }
    return this.inner.send(message);
  }

  reset(): void {
    this.calls = [];
    this.failures = 0;
    this.broken = false;
  }
}
