import { DomainError } from '@shop/platform/errors';
import { BAD_CREDENTIALS, OAuthError } from './errors.ts';
import type { FailureLimiter, PasswordHasher, UserStore } from './ports.ts';
import { narrowScopes } from './scopes.ts';
import { issueUserTokens, type TokenDeps, type TokenResponse, userScopes } from './tokens.ts';
import { normalizeEmail } from './user.ts';

export interface PasswordGrantDeps extends TokenDeps {
  users: UserStore;
  hasher: PasswordHasher;
  /** Failed logins per account and per client IP. */
  limits: { perAccount: FailureLimiter; perIp: FailureLimiter };
  /** A hash of a password nobody has, verified when the e-mail is unknown so both cases cost the same. */
  decoyHash: () => Promise<string>;
}

export interface PasswordGrantRequest {
  email: string;
  password: string;
  scope?: string;
  clientIp: string;
}

/**
 * The password grant (the login): refuses while either failure counter is over its
 * limit, verifies the password (also for unknown e-mails, against a decoy hash), and
 * answers an unknown e-mail and a wrong password with the same error.
 */
export async function passwordGrant(request: PasswordGrantRequest, deps: PasswordGrantDeps): Promise<TokenResponse> {
  const email = normalizeEmail(request.email);
  await refuseWhileLimited(email, request.clientIp, deps);

  const user = await deps.users.findByEmail(email);
  const passwordOk = await deps.hasher.verify(user?.passwordHash ?? (await deps.decoyHash()), request.password);
  if (!user || !passwordOk) {
    await countFailure(email, request.clientIp, deps);
    throw new OAuthError('invalid_grant', BAD_CREDENTIALS);
  }
  if (!user.isActive) throw new OAuthError('invalid_grant', 'This account is deactivated.');

  const { scopes, refused } = narrowScopes(userScopes(user), request.scope);
  if (refused.length > 0)
    throw new OAuthError('invalid_scope', `Scopes not granted to this account: ${refused.join(' ')}.`);
  await deps.limits.perAccount.reset(email);
  return issueUserTokens(user, scopes, deps);
}

async function refuseWhileLimited(email: string, ip: string, deps: PasswordGrantDeps): Promise<void> {
  const [account, address] = await Promise.all([
    deps.limits.perAccount.retryAfter(email),
    deps.limits.perIp.retryAfter(ip),
  ]);
  const wait = Math.max(account ?? 0, address ?? 0);
  if (wait > 0) {
    throw new DomainError('rate_limited', 'Too many failed sign-in attempts. Try again later.', {
      retryAfterSeconds: wait,
    });
  }
}

async function countFailure(email: string, ip: string, deps: PasswordGrantDeps): Promise<void> {
  await Promise.all([deps.limits.perAccount.fail(email), deps.limits.perIp.fail(ip)]);
}
