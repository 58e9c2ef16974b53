import type { UserRegistered, UserSessionsRevoked } from '@shop/contracts';
import { notBeforeText, type SessionRevocation } from '../domain/sessions.ts';
import type { User } from '../domain/user.ts';

/** The `data` of `account.user_registered`: whom to welcome. */
export function userRegisteredEvent(user: Pick<User, 'id' | 'email' | 'name'>): UserRegistered {
  return { user_id: user.id, email: user.email, name: user.name };
}

/**
 * The `data` of `account.user_sessions_revoked`, from the user as saved with the
 * revocation: its `tokensValidAfter` may lie past the revocation's own `notBefore`.
 */
export function userSessionsRevokedEvent(
  user: Pick<User, 'id' | 'tokensValidAfter'>,
  revocation: SessionRevocation,
): UserSessionsRevoked {
  return {
    user_id: user.id,
    not_before: notBeforeText(user.tokensValidAfter ?? revocation.notBefore),
    reason: revocation.reason,
  };
}
