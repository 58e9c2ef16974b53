import { UserRegistered, UserSessionsRevoked } from '@shop/contracts';
import { schemaErrors } from '@shop/platform/testing';
import { describe, expect, it } from 'vitest';
import { revocationAt } from '../../src/domain/sessions.ts';
import { userRegisteredEvent, userSessionsRevokedEvent } from '../../src/events/account-events.ts';

describe('the account service’s events', () => {
  it('when a customer registers, then account.user_registered names them and passes UserRegistered', () => {
    const data = userRegisteredEvent({ id: 9, email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(data).toEqual({ user_id: 9, email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(schemaErrors(UserRegistered, data)).toEqual([]);
  });

  it('when sessions are revoked, then not_before is the saved time in whole seconds and the event passes UserSessionsRevoked', () => {
    const revocation = revocationAt(new Date('2025-03-04T05:06:07.250Z'), 'password_changed');
    const saved = userSessionsRevokedEvent({ id: 9, tokensValidAfter: new Date('2025-03-04T05:06:09Z') }, revocation);
    expect(saved).toEqual({ user_id: 9, not_before: '2025-03-04T05:06:09Z', reason: 'password_changed' });
    expect(schemaErrors(UserSessionsRevoked, saved)).toEqual([]);
    const unsaved = userSessionsRevokedEvent({ id: 9, tokensValidAfter: null }, revocation);
    expect(unsaved.not_before).toBe('2025-03-04T05:06:08Z');
  });

  it('when user_sessions_revoked has an unknown reason or a time that is no time, then the schema refuses it', () => {
    const good = { user_id: 9, not_before: '2025-03-04T05:06:08Z', reason: 'deactivated' };
    expect(schemaErrors(UserSessionsRevoked, good)).toEqual([]);
    expect(schemaErrors(UserSessionsRevoked, { ...good, reason: 'bored' })).not.toEqual([]);
    expect(schemaErrors(UserSessionsRevoked, { ...good, not_before: 'soon' })).not.toEqual([]);
  });
});
