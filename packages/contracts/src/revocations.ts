import { type Static, Type } from 'typebox';

/**
 * `GET /internal/revocations` on the account service: every user whose access tokens
 * issued before `not_before` are refused, for as long as such a token could still be
 * unexpired. Each service's token guard starts from this list, then follows the
 * `account.user_sessions_revoked` events.
 */
export const RevocationList = Type.Object({
  items: Type.Array(
    Type.Object({
      user_id: Type.Integer({ minimum: 1 }),
      not_before: Type.String({ format: 'date-time' }),
    }),
  ),
});
export type RevocationList = Static<typeof RevocationList>;

/** Where the account service serves the list (never routed by the gateway). */
export const REVOCATIONS_PATH = '/internal/revocations';
