import { randomUUID } from 'node:crypto';
import { OAuthError } from './errors.ts';
import type { UserStore } from './ports.ts';
import { narrowScopes } from './scopes.ts';
import {
  hashRefreshToken,
  newRefreshTokenValue,
  refreshExpiry,
  signUserAccessToken,
  type TokenDeps,
  type TokenResponse,
  userScopes,
} from './tokens.ts';

export interface RefreshGrantDeps extends TokenDeps {
  users: UserStore;
  /** Told when a rotated token comes back: someone may hold a stolen copy. */
  onReuse?: (details: { familyId: string; userId: number }) => void;
}

const INVALID = 'The refresh token is invalid, expired or revoked.';

/**
 * The refresh_token grant: each refresh token works once and is replaced by a new one
 * of the same family. A token that was already rotated coming back means two parties
 * hold it, so the whole family is revoked and both must sign in again.
 */
export async function refreshGrant(
  request: { refreshToken: string; scope?: string },
  deps: RefreshGrantDeps,
): Promise<TokenResponse> {
  const now = deps.clock.now();
  const current = await deps.refreshTokens.findByHash(hashRefreshToken(request.refreshToken));
  if (!current) throw new OAuthError('invalid_grant', INVALID);
  if (current.rotatedAt) {
    await revokeAfterReuse(current.familyId, current.userId, deps);
    throw new OAuthError('invalid_grant', INVALID);
  }
  if (current.revokedAt) throw new OAuthError('invalid_grant', INVALID);
  if (current.expiresAt.getTime() <= now.getTime()) throw new OAuthError('invalid_grant', INVALID);

  const user = await deps.users.findById(current.userId);
  if (!user?.isActive) {
    await deps.refreshTokens.revokeFamily(current.familyId, now);
    throw new OAuthError('invalid_grant', INVALID);
  }
  // RFC 6749 §6: never more than the login granted, nor more than the role has now.
  const roleScopes = userScopes(user);
  const granted = current.scope.split(' ').filter((scope) => roleScopes.includes(scope));
  const { scopes, refused } = narrowScopes(granted, request.scope);
  if (refused.length > 0) {
    throw new OAuthError('invalid_scope', `Scopes not granted to this session: ${refused.join(' ')}.`);
  }

  const next = newRefreshTokenValue();
  const rotated = await deps.refreshTokens.rotate(
    current.id,
    {
      id: randomUUID(),
      userId: user.id,
      familyId: current.familyId,
      scope: current.scope,
      tokenHash: hashRefreshToken(next),
      expiresAt: refreshExpiry(deps),
    },
    now,
  );
  if (!rotated) {
    // Another request used the same token a moment ago: the same reuse, just concurrent.
    await revokeAfterReuse(current.familyId, current.userId, deps);
    throw new OAuthError('invalid_grant', INVALID);
  }
  return {
    access_token: await signUserAccessToken(user, scopes, deps),
    token_type: 'Bearer',
    expires_in: deps.settings.accessTokenTtlSeconds,
    refresh_token: next,
    scope: scopes.join(' '),
  };
}

async function revokeAfterReuse(familyId: string, userId: number, deps: RefreshGrantDeps): Promise<void> {
  await deps.refreshTokens.revokeFamily(familyId, deps.clock.now());
  deps.onReuse?.({ familyId, userId });
}

/** RFC 7009 revocation of a refresh token: its family ends. Unknown tokens are fine. */
export async function revokeRefreshToken(
  token: string,
  deps: Pick<TokenDeps, 'refreshTokens' | 'clock'>,
): Promise<void> {
  const found = await deps.refreshTokens.findByHash(hashRefreshToken(token));
  if (found) await deps.refreshTokens.revokeFamily(found.familyId, deps.clock.now());
}
