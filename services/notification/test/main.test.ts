import { InProcessBus } from '@shop/platform';
import { freshPglite } from '@shop/platform/testing';
import { describe, expect, it } from 'vitest';
import { startNotification } from '../src/main.ts';
import { userRegistered, waitForEmails } from './helpers.ts';

const env = { PORT: '0', LOG_LEVEL: 'silent' };

describe('startNotification', () => {
  it('when no bus is passed, then it refuses to start and says why', async () => {
    await expect(startNotification({ env })).rejects.toThrow(/needs a bus/);
  });

  it('when started embedded with a bus, then it listens, is ready, and sends welcome mails into the mailbox', async () => {
    const pglite = await freshPglite();
    const bus = new InProcessBus();
    const running = await startNotification({ env, pglite, bus });
    try {
      expect(running.config).toMatchObject({ SMTP_URL: '', MAIL_FROM: 'Shop <shop@localhost>', EMAIL_ATTEMPTS: 5 });
      const ready = await fetch(`${running.url}/health/ready`);
      expect(ready.status).toBe(200);

      await bus.publish(userRegistered({ email: 'linus@example.com' }));
      const [email] = await waitForEmails(running, 1, 'sent');
      expect(email).toMatchObject({ to: 'linus@example.com', subject: 'Welcome to the shop' });
      expect(email?.raw).toContain('To: linus@example.com');
    } finally {
      await running.close();
      await bus.close();
      await pglite.close();
    }
  });
});
