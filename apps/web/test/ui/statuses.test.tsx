// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { statusSet } from '../../src/ui/statuses';

afterEach(cleanup);

const mail = statusSet<'pending' | 'sent'>({
  pending: { label: 'Pending', tone: 'warn' },
  sent: { label: 'Sent', tone: 'ok' },
});

describe('status sets', () => {
  it('when a URL names a status, then only a known one is taken', () => {
    expect(mail.parse('sent')).toBe('sent');
    expect(mail.parse('SENT')).toBeUndefined();
    expect(mail.parse('')).toBeUndefined();
    expect(mail.parse(null)).toBeUndefined();
    expect(mail.options).toEqual([
      { value: 'pending', label: 'Pending' },
      { value: 'sent', label: 'Sent' },
    ]);
  });

  it('when a status is shown, then its badge has its words and tone; one the app does not know shows as the API wrote it', () => {
    render(
      <>
        <mail.Badge status="pending" />
        <mail.Badge status={'bounced' as 'sent'} />
      </>,
    );
    expect(screen.getByText('Pending').className).toBe('badge badge-warn');
    expect(screen.getByText('bounced').className).toBe('badge');
  });
});
