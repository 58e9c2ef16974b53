import { describe, expect, it } from 'vitest';
import { checkRetry, type Email } from '../../src/domain/email.ts';

const email = (changes: Partial<Email>): Email =>
  ({
    id: 7,
    eventId: '00000000-0000-4000-8000-000000000007',
    kind: 'welcome',
    to: 'ada@example.com',
    subject: 'Welcome',
    text: 'Hello',
    html: '<p>Hello</p>',
    status: 'failed',
    attempts: 5,
    lastError: 'smtp down',
    sendingUntil: null,
    raw: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    sentAt: null,
    ...changes,
  }) as Email;

describe('the retry rule', () => {
  const now = new Date('2026-01-01T12:00:00Z');

  it('when the e-mail failed, then it may be retried', () => {
    expect(() => checkRetry(email({ status: 'failed' }), now)).not.toThrow();
  });

  it('when it is sent or still pending, then a retry is refused', () => {
    expect(() => checkRetry(email({ status: 'sent' }), now)).toThrow(/Only a failed e-mail/);
    expect(() => checkRetry(email({ status: 'pending' }), now)).toThrow(/Only a failed e-mail/);
  });

  it('when it is sending, then a retry waits for the worker’s claim to lapse', () => {
    const live = email({ status: 'sending', sendingUntil: new Date(now.getTime() + 1_000) });
    const lapsed = email({ status: 'sending', sendingUntil: new Date(now.getTime() - 1_000) });
    expect(() => checkRetry(live, now)).toThrow();
    expect(() => checkRetry(lapsed, now)).not.toThrow();
  });
});
