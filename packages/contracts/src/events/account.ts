import { type Static, Type } from 'typebox';

/** `account.user_registered`: a customer signed up (the welcome e-mail's address and name). */
export const UserRegistered = Type.Object({
  user_id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
});
export type UserRegistered = Static<typeof UserRegistered>;

/** Why a user's earlier access tokens stopped counting. */
export const SESSION_REVOCATION_REASONS = ['deactivated', 'role_changed', 'password_changed'] as const;

/**
 * `account.user_sessions_revoked`: a user's access tokens issued before `not_before` are
 * refused from now on, by every service (their refresh tokens are already revoked).
 * `not_before` is an RFC 3339 time in whole seconds, compared with a token's `iat`.
 */
export const UserSessionsRevoked = Type.Object({
  user_id: Type.Integer({ minimum: 1 }),
  not_before: Type.String({ format: 'date-time' }),
  reason: Type.Enum(SESSION_REVOCATION_REASONS),
});
export type UserSessionsRevoked = Static<typeof UserSessionsRevoked>;
