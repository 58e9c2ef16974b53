import type { ManageUsersDeps } from '../../src/domain/manage-users.ts';
import type { PasswordGrantDeps } from '../../src/domain/password-grant.ts';
import type { RefreshGrantDeps } from '../../src/domain/refresh-grant.ts';
import type { RegisterDeps } from '../../src/domain/register.ts';
import type { TokenSettings } from '../../src/domain/tokens.ts';
import { FakeClock } from './clock.ts';
import { FakeFailureLimiter } from './failure-limiter.ts';
import { FakePasswordHasher } from './password-hasher.ts';
import { InMemoryRefreshTokenStore } from './refresh-token-store.ts';
import { FakeRequestCounter } from './request-counter.ts';
import { RecordingSigner } from './signer.ts';
import { InMemoryUserStore } from './user-store.ts';

export {
  FakeClock,
  FakeFailureLimiter,
  FakePasswordHasher,
  FakeRequestCounter,
  InMemoryRefreshTokenStore,
  InMemoryUserStore,
  RecordingSigner,
};

export const TEST_SETTINGS: TokenSettings = { accessTokenTtlSeconds: 900, refreshTokenTtlSeconds: 3600 };

/** The password of nobody, whose hash the password grant checks for unknown e-mails. */
export const DECOY_PASSWORD = 'decoy-password-nobody-has';

/** Every port of the account domain as a fake, wired the way app.ts wires the real ones. */
export function fakeAccount() {
  const refreshTokens = new InMemoryRefreshTokenStore();
  const users = new InMemoryUserStore(refreshTokens);
  const hasher = new FakePasswordHasher();
  const signer = new RecordingSigner();
  const clock = new FakeClock();
  const limits = { perAccountIp: new FakeFailureLimiter(3), perIp: new FakeFailureLimiter(5) };
  const registrations = new FakeRequestCounter(3);
  const reuses: Array<{ familyId: string; userId: number }> = [];
  const tokenDeps = { signer, refreshTokens, clock, settings: TEST_SETTINGS };
  const passwordGrant: PasswordGrantDeps = {
    ...tokenDeps,
    users,
    hasher,
    limits,
    decoyHash: () => hasher.hash(DECOY_PASSWORD),
  };
  const refreshGrant: RefreshGrantDeps = { ...tokenDeps, users, onReuse: (details) => reuses.push(details) };
  const manageUsers: ManageUsersDeps = { users, hasher, clock, limits };
  const register: RegisterDeps = { users, hasher, registrations };
  return {
    users,
    refreshTokens,
    hasher,
    signer,
    clock,
    limits,
    registrations,
    reuses,
    passwordGrant,
    refreshGrant,
    manageUsers,
    register,
  };
}

export type FakeAccount = ReturnType<typeof fakeAccount>;
