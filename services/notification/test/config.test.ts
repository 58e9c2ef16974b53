import { ConfigError } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import { loadNotificationConfig } from '../src/config.ts';

describe('configuration', () => {
  it('when nothing is set, then the defaults describe an embedded service with the built-in mailbox', () => {
    expect(loadNotificationConfig({})).toMatchObject({
      PORT: 8009,
      SMTP_URL: '',
      MAIL_FROM: 'Shop <shop@localhost>',
      EMAIL_ATTEMPTS: 5,
      EMAIL_BACKOFF_MS: 2000,
    });
  });

  it('when NOTIFICATION_<KEY> and <KEY> are both set, then the prefixed one wins', () => {
    const config = loadNotificationConfig({
      SMTP_URL: 'smtp://shared:25',
      NOTIFICATION_SMTP_URL: 'smtp://mail.example.com:587',
      EMAIL_ATTEMPTS: '3',
    });
    expect(config.SMTP_URL).toBe('smtp://mail.example.com:587');
    expect(config.EMAIL_ATTEMPTS).toBe(3);
  });

  it('when EMAIL_ATTEMPTS is 0, then loading fails and names the variable', () => {
    expect(() => loadNotificationConfig({ EMAIL_ATTEMPTS: '0' })).toThrow(ConfigError);
    expect(() => loadNotificationConfig({ EMAIL_ATTEMPTS: '0' })).toThrow(/EMAIL_ATTEMPTS/);
  });
});
