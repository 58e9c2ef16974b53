import { BAD_CREDENTIALS, OAuthError } from './errors.ts';
import { countFailure, forgetFailures, type LoginLimits, refuseWhileLimited } from './login-limits.ts';
import type { PasswordHasher, UserStore } from './ports.ts';
import { narrowScopes } from './scopes.ts';
import { issueUserTokens, type TokenDeps, type TokenResponse, userScopes } from './tokens.ts';
import { normalizeEmail } from './user.ts';

export interface PasswordGrantDeps extends TokenDeps {
  users: UserStore;
  hasher: PasswordHasher;
  /** Failed logins per (account, client IP) and per client IP. */
  limits: LoginLimits;
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
  await refuseWhileLimited(deps.limits, email, request.clientIp);

  const user = await deps.users.findByEmail(email);
  const passwordOk = await deps.hasher.verify(user?.passwordHash ?? (await deps.decoyHash()), request.password);
  if (!user || !passwordOk) {
    await countFailure(deps.limits, email, request.clientIp);
    throw new OAuthError('invalid_grant', BAD_CREDENTIALS);
  }
  if (!user.isActive) throw new OAuthError('invalid_grant', 'This account is deactivated.');

  const { scopes, refused } = narrowScopes(userScopes(user), request.scope);
  if (refused.length > 0)
    throw new OAuthError('invalid_scope', `Scopes not granted to this account: ${refused.join(' ')}.`);
  await forgetFailures(deps.limits, email, request.clientIp);
  return issueUserTokens(user, scopes, deps);
}
