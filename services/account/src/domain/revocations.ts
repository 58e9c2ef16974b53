import type { Clock, UserStore } from './ports.ts';
import { notBeforeText, revocationHorizon } from './sessions.ts';

export interface RevocationsDeps {
  users: UserStore;
  clock: Clock;
  accessTokenTtlSeconds: number;
}

/**
 * Every user whose earlier access tokens are refused, for as long as such a token could
 * still be unexpired: what a verifier starting now must know before it follows the
 * `account.user_sessions_revoked` events.
 */
export async function recentRevocations(
  deps: RevocationsDeps,
): Promise<Array<{ user_id: number; not_before: string }>> {
  const horizon = revocationHorizon(deps.clock.now(), deps.accessTokenTtlSeconds);
  const revoked = await deps.users.revokedSince(horizon);
  return revoked.map((entry) => ({ user_id: entry.userId, not_before: notBeforeText(entry.notBefore) }));
}
