import { beforeEach, describe, expect, it } from 'vitest';
import { OAuthError } from '../../src/domain/errors.ts';
import { passwordGrant } from '../../src/domain/password-grant.ts';
import type { NewRefreshToken } from '../../src/domain/ports.ts';
import { refreshGrant, revokeRefreshToken } from '../../src/domain/refresh-grant.ts';
import { hashRefreshToken } from '../../src/domain/tokens.ts';
import type { User } from '../../src/domain/user.ts';
import { type FakeAccount, fakeAccount, InMemoryRefreshTokenStore } from '../fakes/index.ts';

const PASSWORD = 'correct-horse-battery';

async function caught(promise: Promise<unknown>): Promise<OAuthError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('expected an OAuthError');
}

describe('refreshGrant', () => {
  let fake: FakeAccount;
  let ada: User;
  let first: string;
  beforeEach(async () => {
    fake = fakeAccount();
    ada = fake.users.seed({ email: 'ada@example.com', passwordHash: `hashed:${PASSWORD}` });
    const login = await passwordGrant(
      { email: ada.email, password: PASSWORD, clientIp: '203.0.113.7' },
      fake.passwordGrant,
    );
    first = login.refresh_token ?? '';
  });

  const refresh = (refreshToken: string, scope?: string) => refreshGrant({ refreshToken, scope }, fake.refreshGrant);

  async function familyOf(token: string): Promise<string> {
    const found = await fake.refreshTokens.findByHash(hashRefreshToken(token));
    if (!found) throw new Error('token not stored');
    return found.familyId;
  }

  it('when a live refresh token is used, then a new refresh token of the same family and a new access token come back', async () => {
    const response = await refresh(first);
    expect(response.refresh_token).toBeTruthy();
    expect(response.refresh_token).not.toBe(first);
    expect(await familyOf(response.refresh_token ?? '')).toBe(await familyOf(first));
    expect(fake.signer.claimsOf(response.access_token)).toMatchObject({
      subject: String(ada.id),
      claims: { email: 'ada@example.com', role: 'customer' },
    });
    expect(response).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
  });

  it('when a refresh token was rotated, then it no longer works', async () => {
    await refresh(first);
    const error = await caught(refresh(first));
    expect(error.code).toBe('invalid_grant');
  });

  it('when a rotated token comes back, then the whole family is revoked, the newer token fails and onReuse is told', async () => {
    const second = (await refresh(first)).refresh_token ?? '';
    await caught(refresh(first));
    const error = await caught(refresh(second));
    expect(error.code).toBe('invalid_grant');
    expect(fake.reuses[0]).toEqual({ familyId: await familyOf(first), userId: ada.id });
  });

  it("when a rotated token comes back, then the user's other sessions keep working", async () => {
    const other = await passwordGrant(
      { email: ada.email, password: PASSWORD, clientIp: '203.0.113.7' },
      fake.passwordGrant,
    );
    await refresh(first);
    await caught(refresh(first));
    const response = await refresh(other.refresh_token ?? '');
    expect(response.refresh_token).toBeTruthy();
  });

  it('when the refresh token has just expired, then it is refused', async () => {
    fake.clock.advance(3600);
    const error = await caught(refresh(first));
    expect(error.code).toBe('invalid_grant');
    expect(fake.reuses).toEqual([]);
  });

  it('when the refresh token is one second from expiry, then it still works and the new one lives a full term', async () => {
    fake.clock.advance(3599);
    const response = await refresh(first);
    const next = await fake.refreshTokens.findByHash(hashRefreshToken(response.refresh_token ?? ''));
    expect(next?.expiresAt).toEqual(new Date(fake.clock.now().getTime() + 3600 * 1000));
  });

  it('when the login asked for fewer scopes, then a refresh cannot widen them, and may narrow them', async () => {
    const narrow = await passwordGrant(
      { email: ada.email, password: PASSWORD, clientIp: '203.0.113.7', scope: 'product:read cart:write' },
      fake.passwordGrant,
    );
    const widened = await caught(refresh(narrow.refresh_token ?? '', 'order:create'));
    expect(widened.code).toBe('invalid_scope');
    const plain = await refresh(narrow.refresh_token ?? '');
    expect(plain.scope).toBe('product:read cart:write');
    const narrower = await refresh(plain.refresh_token ?? '', 'product:read');
    expect(narrower.scope).toBe('product:read');
    // The session keeps what the login granted: a later refresh may ask for it again.
    expect((await refresh(narrower.refresh_token ?? '')).scope).toBe('product:read cart:write');
  });

  it('when a revoked (signed-out) token is used again, then it is refused without a theft warning', async () => {
    await revokeRefreshToken(first, fake.refreshGrant);
    expect((await caught(refresh(first))).code).toBe('invalid_grant');
    expect(fake.reuses).toEqual([]);
  });

  it('when the refresh token is unknown, then it is refused and nothing is revoked', async () => {
    const error = await caught(refresh('not-a-token-we-issued'));
    expect(error.code).toBe('invalid_grant');
    expect(fake.refreshTokens.all().every((token) => token.revokedAt === null)).toBe(true);
  });

  it('when the user was deactivated, then the token is refused and its family revoked', async () => {
    await fake.users.update(ada.id, { isActive: false });
    const error = await caught(refresh(first));
    expect(error.code).toBe('invalid_grant');
    await fake.users.update(ada.id, { isActive: true });
    expect((await fake.refreshTokens.findByHash(hashRefreshToken(first)))?.revokedAt).toEqual(fake.clock.now());
    expect((await caught(refresh(first))).code).toBe('invalid_grant');
  });

  it('when rotate() reports that another request rotated the token first, then the family is revoked', async () => {
    class LosingRaceStore extends InMemoryRefreshTokenStore {
      override async rotate(_oldId: string, _next: NewRefreshToken, _at: Date): Promise<boolean> {
        return false;
      }
    }
    const store = new LosingRaceStore();
    const hash = hashRefreshToken('raced-token');
    await store.insert({
      id: '00000000-0000-4000-8000-000000000001',
      userId: ada.id,
      familyId: '00000000-0000-4000-8000-0000000000f1',
      scope: 'product:read',
      tokenHash: hash,
      expiresAt: new Date(fake.clock.now().getTime() + 60_000),
    });
    const error = await caught(
      refreshGrant({ refreshToken: 'raced-token' }, { ...fake.refreshGrant, refreshTokens: store }),
    );
    expect(error.code).toBe('invalid_grant');
    expect((await store.findByHash(hash))?.revokedAt).not.toBeNull();
    expect(fake.reuses).toEqual([{ familyId: '00000000-0000-4000-8000-0000000000f1', userId: ada.id }]);
  });

  it('when two requests refresh the same token at once, then one wins, the other fails, and the winner is revoked too', async () => {
    const results = await Promise.allSettled([refresh(first), refresh(first)]);
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    const rejected = results.filter((result) => result.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    const winner = fulfilled[0]?.value.refresh_token ?? '';
    expect((await caught(refresh(winner))).code).toBe('invalid_grant');
  });

  it('when a scope outside the role is asked for on refresh, then it fails with invalid_scope', async () => {
    const error = await caught(refresh(first, 'user:write'));
    expect(error.code).toBe('invalid_scope');
  });
});

describe('revokeRefreshToken', () => {
  let fake: FakeAccount;
  let first: string;
  beforeEach(async () => {
    fake = fakeAccount();
    fake.users.seed({ email: 'ada@example.com', passwordHash: `hashed:${PASSWORD}` });
    const login = await passwordGrant(
      { email: 'ada@example.com', password: PASSWORD, clientIp: '203.0.113.7' },
      fake.passwordGrant,
    );
    first = login.refresh_token ?? '';
  });

  it('when a token is revoked, then it and every token of its family stop working', async () => {
    const second = (await refreshGrant({ refreshToken: first }, fake.refreshGrant)).refresh_token ?? '';
    await revokeRefreshToken(first, fake.refreshGrant);
    const error = await caught(refreshGrant({ refreshToken: second }, fake.refreshGrant));
    expect(error.code).toBe('invalid_grant');
    expect(fake.refreshTokens.all().every((token) => token.revokedAt !== null)).toBe(true);
  });

  it("when a token is revoked, then another user's tokens keep working", async () => {
    fake.users.seed({ email: 'bob@example.com', passwordHash: `hashed:${PASSWORD}` });
    const bob = await passwordGrant(
      { email: 'bob@example.com', password: PASSWORD, clientIp: '203.0.113.8' },
      fake.passwordGrant,
    );
    await revokeRefreshToken(first, fake.refreshGrant);
    const response = await refreshGrant({ refreshToken: bob.refresh_token ?? '' }, fake.refreshGrant);
    expect(response.refresh_token).toBeTruthy();
  });

  it('when an unknown token is revoked, then nothing happens and no error is thrown', async () => {
    await expect(revokeRefreshToken('never-issued', fake.refreshGrant)).resolves.toBeUndefined();
    expect(fake.refreshTokens.all().every((token) => token.revokedAt === null)).toBe(true);
    expect((await refreshGrant({ refreshToken: first }, fake.refreshGrant)).refresh_token).toBeTruthy();
  });
});
