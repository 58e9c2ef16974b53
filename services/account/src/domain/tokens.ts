import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AccessTokenSigner, Clock, RefreshTokenStore } from './ports.ts';
import { ROLE_SCOPES } from './scopes.ts';
import { issuedAtFor } from './sessions.ts';
import type { User } from './user.ts';

export interface TokenSettings {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

/** The token endpoint's success body (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  scope: string;
}

export interface TokenDeps {
  signer: AccessTokenSigner;
  refreshTokens: RefreshTokenStore;
  clock: Clock;
  settings: TokenSettings;
}

/** Refresh tokens are random, shown once, and kept only as a hash. */
export function newRefreshTokenValue(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRefreshToken(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function userScopes(user: User): string[] {
  return [...ROLE_SCOPES[user.role]];
}

/** Signed no earlier than the user's last revocation, so a token of the same second still counts. */
export async function signUserAccessToken(user: User, scopes: string[], deps: TokenDeps): Promise<string> {
  return deps.signer.sign(
    { email: user.email, role: user.role, scope: scopes.join(' ') },
    String(user.id),
    deps.settings.accessTokenTtlSeconds,
    issuedAtFor(user, deps.clock.now()),
  );
}

/** Starts a new refresh-token family (a login) and returns access and refresh tokens. */
export async function issueUserTokens(user: User, scopes: string[], deps: TokenDeps): Promise<TokenResponse> {
  const refreshToken = newRefreshTokenValue();
  await deps.refreshTokens.insert({
    id: randomUUID(),
    userId: user.id,
    familyId: randomUUID(),
    scope: scopes.join(' '),
    tokenHash: hashRefreshToken(refreshToken),
    expiresAt: refreshExpiry(deps),
  });
  return {
    access_token: await signUserAccessToken(user, scopes, deps),
    token_type: 'Bearer',
    expires_in: deps.settings.accessTokenTtlSeconds,
    refresh_token: refreshToken,
    scope: scopes.join(' '),
  };
}

export function refreshExpiry(deps: Pick<TokenDeps, 'clock' | 'settings'>): Date {
  return new Date(deps.clock.now().getTime() + deps.settings.refreshTokenTtlSeconds * 1000);
}
