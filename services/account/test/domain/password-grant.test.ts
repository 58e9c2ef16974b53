import { DomainError } from '@shop/platform/errors';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BAD_CREDENTIALS, OAuthError } from '../../src/domain/errors.ts';
import { passwordGrant } from '../../src/domain/password-grant.ts';
import { ROLE_SCOPES } from '../../src/domain/scopes.ts';
import { hashRefreshToken } from '../../src/domain/tokens.ts';
import type { User } from '../../src/domain/user.ts';
import { DECOY_PASSWORD, type FakeAccount, fakeAccount } from '../fakes/index.ts';

const PASSWORD = 'correct-horse-battery';
const IP = '203.0.113.7';

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('passwordGrant', () => {
  let fake: FakeAccount;
  let ada: User;
  beforeEach(() => {
    fake = fakeAccount();
    ada = fake.users.seed({ email: 'ada@example.com', passwordHash: `hashed:${PASSWORD}` });
  });

  const login = (email: string, password: string, extra: { scope?: string; clientIp?: string } = {}) =>
    passwordGrant({ email, password, clientIp: IP, ...extra }, fake.passwordGrant);

  it('when the password is right, then an access token with the role scopes and a stored refresh token are issued', async () => {
    const response = await login('ada@example.com', PASSWORD);
    expect(response).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: ROLE_SCOPES.customer.join(' ') });
    expect(fake.signer.claimsOf(response.access_token)).toEqual({
      token: response.access_token,
      claims: { email: 'ada@example.com', role: 'customer', scope: ROLE_SCOPES.customer.join(' ') },
      subject: String(ada.id),
      ttlSeconds: 900,
      issuedAt: Math.floor(fake.clock.now().getTime() / 1000),
    });
    const stored = await fake.refreshTokens.findByHash(hashRefreshToken(response.refresh_token ?? ''));
    expect(stored).toMatchObject({ userId: ada.id, rotatedAt: null, revokedAt: null });
    expect(stored?.expiresAt).toEqual(new Date(fake.clock.now().getTime() + 3600 * 1000));
  });

  it('when the e-mail is given in another case, then the login still succeeds', async () => {
    const response = await login('  ADA@Example.com ', PASSWORD);
    expect(fake.signer.claimsOf(response.access_token).subject).toBe(String(ada.id));
  });

  it('when the e-mail is unknown or the password wrong, then both fail with the same invalid_grant error', async () => {
    const unknown = await caught(login('nobody@example.com', PASSWORD));
    const wrong = await caught(login('ada@example.com', 'wrong-password-123'));
    expect(unknown).toBeInstanceOf(OAuthError);
    expect(wrong).toBeInstanceOf(OAuthError);
    expect((unknown as OAuthError).code).toBe('invalid_grant');
    expect((unknown as OAuthError).description).toBe(BAD_CREDENTIALS);
    expect({ code: (wrong as OAuthError).code, description: (wrong as OAuthError).description }).toEqual({
      code: (unknown as OAuthError).code,
      description: (unknown as OAuthError).description,
    });
    expect(fake.signer.signed).toEqual([]);
  });

  it('when the e-mail is unknown, then the password is still verified, against the decoy hash', async () => {
    const verify = vi.spyOn(fake.hasher, 'verify');
    await caught(login('nobody@example.com', 'some-password-1'));
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify).toHaveBeenCalledWith(`hashed:${DECOY_PASSWORD}`, 'some-password-1');
  });

  it("when the e-mail is unknown and the password is the decoy's, then the login still fails", async () => {
    const error = await caught(login('nobody@example.com', DECOY_PASSWORD));
    expect((error as OAuthError).code).toBe('invalid_grant');
  });

  it('when a login fails, then one failure is counted for the (normalized e-mail, IP) and one for the IP', async () => {
    await caught(login('ADA@example.com', 'wrong-password-123'));
    expect(fake.limits.perAccountIp.count(`${IP} ada@example.com`)).toBe(1);
    expect(fake.limits.perIp.count(IP)).toBe(1);
    await caught(login('nobody@example.com', 'wrong-password-123'));
    expect(fake.limits.perAccountIp.count(`${IP} nobody@example.com`)).toBe(1);
    expect(fake.limits.perIp.count(IP)).toBe(2);
  });

  it('when an account is limited from one IP, then the right password from another IP still signs in', async () => {
    for (let i = 0; i < 3; i += 1) await caught(login('ada@example.com', 'wrong-password-123'));
    const elsewhere = await login('ada@example.com', PASSWORD, { clientIp: '198.51.100.1' });
    expect(elsewhere.access_token).toBeTruthy();
    expect(((await caught(login('ada@example.com', PASSWORD))) as DomainError).code).toBe('rate_limited');
  });

  it('when the account has too many failures, then even the right password gets rate_limited with a retry time', async () => {
    for (let i = 0; i < 3; i += 1) await caught(login('ada@example.com', 'wrong-password-123'));
    const verify = vi.spyOn(fake.hasher, 'verify');
    const error = await caught(login('ada@example.com', PASSWORD));
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('rate_limited');
    expect((error as DomainError).retryAfterSeconds).toBe(120);
    expect(verify).not.toHaveBeenCalled();
    expect(fake.signer.signed).toEqual([]);
  });

  it('when an account is limited, then another account from another IP can still log in', async () => {
    for (let i = 0; i < 3; i += 1) await caught(login('ada@example.com', 'wrong-password-123'));
    fake.users.seed({ email: 'bob@example.com', passwordHash: `hashed:${PASSWORD}` });
    const response = await login('bob@example.com', PASSWORD, { clientIp: '198.51.100.1' });
    expect(response.access_token).toBeTruthy();
  });

  it('when an IP has too many failures across accounts, then every account from that IP gets rate_limited', async () => {
    for (let i = 0; i < 5; i += 1) await caught(login(`guess${i}@example.com`, 'wrong-password-123'));
    const error = await caught(login('ada@example.com', PASSWORD));
    expect((error as DomainError).code).toBe('rate_limited');
    expect((error as DomainError).retryAfterSeconds).toBe(120);
    const elsewhere = await login('ada@example.com', PASSWORD, { clientIp: '198.51.100.1' });
    expect(elsewhere.access_token).toBeTruthy();
  });

  it('when a login succeeds after failures, then only that (account, IP) counter is reset', async () => {
    for (let i = 0; i < 2; i += 1) await caught(login('ada@example.com', 'wrong-password-123'));
    await caught(login('ada@example.com', 'wrong-password-123', { clientIp: '198.51.100.1' }));
    await login('ada@example.com', PASSWORD);
    expect(fake.limits.perAccountIp.count(`${IP} ada@example.com`)).toBe(0);
    expect(fake.limits.perAccountIp.count('198.51.100.1 ada@example.com')).toBe(1);
    expect(fake.limits.perIp.count(IP)).toBe(2);
  });

  it('when the account is deactivated, then the right password is refused with invalid_grant and no token', async () => {
    await fake.users.update(ada.id, { isActive: false });
    const error = await caught(login('ada@example.com', PASSWORD));
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).code).toBe('invalid_grant');
    expect(fake.signer.signed).toEqual([]);
    expect(fake.refreshTokens.all()).toEqual([]);
  });

  it('when a customer asks for a scope of another role, then it fails with invalid_scope and no token', async () => {
    const error = await caught(login('ada@example.com', PASSWORD, { scope: 'product:read product:write' }));
    expect((error as OAuthError).code).toBe('invalid_scope');
    expect(fake.signer.signed).toEqual([]);
  });

  it('when a customer asks for a subset of its scopes, then the token carries just that subset', async () => {
    const response = await login('ada@example.com', PASSWORD, { scope: 'product:read' });
    expect(response.scope).toBe('product:read');
    expect(fake.signer.claimsOf(response.access_token).claims.scope).toBe('product:read');
  });
});
