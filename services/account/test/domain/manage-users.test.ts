import { DomainError } from '@shop/platform/errors';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { adminUpdateUser, getUser, updateOwnAccount } from '../../src/domain/manage-users.ts';
import { passwordGrant } from '../../src/domain/password-grant.ts';
import { refreshGrant } from '../../src/domain/refresh-grant.ts';
import { type Caller, CallerRefused } from '../../src/domain/sessions.ts';
import type { User } from '../../src/domain/user.ts';
import { type FakeAccount, fakeAccount } from '../fakes/index.ts';

const PASSWORD = 'correct-horse-battery';
const IP = '203.0.113.7';

async function caught(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('manage users', () => {
  let fake: FakeAccount;
  let ada: User;
  let admin: User;
  /** The admin, acting with a token issued now. */
  let asAdmin: Caller;
  beforeEach(() => {
    fake = fakeAccount();
    admin = fake.users.seed({ email: 'admin@example.com', passwordHash: `hashed:${PASSWORD}`, role: 'admin' });
    ada = fake.users.seed({ email: 'ada@example.com', passwordHash: `hashed:${PASSWORD}` });
    asAdmin = { userId: admin.id, issuedAt: nowSeconds() };
  });

  const nowSeconds = () => Math.floor(fake.clock.now().getTime() / 1000);

  async function login(email: string): Promise<string> {
    const response = await passwordGrant({ email, password: PASSWORD, clientIp: IP }, fake.passwordGrant);
    return response.refresh_token ?? '';
  }

  async function refreshWorks(token: string): Promise<boolean> {
    return refreshGrant({ refreshToken: token }, fake.refreshGrant).then(
      () => true,
      () => false,
    );
  }

  /** A second active admin, and that admin acting with a token issued now. */
  async function secondAdmin(): Promise<Caller> {
    await adminUpdateUser(asAdmin, ada.id, { role: 'admin' }, fake.manageUsers);
    fake.clock.advance(2);
    return { userId: ada.id, issuedAt: nowSeconds() };
  }

  describe('updateOwnAccount', () => {
    const own = (input: { name?: string; password?: string; currentPassword: string }, clientIp = IP) =>
      updateOwnAccount(ada.id, { ...input, clientIp }, fake.manageUsers);

    it('when the current password is wrong, then it fails with rule_violation on current_password and changes nothing', async () => {
      const error = await caught(own({ name: 'Countess', currentPassword: 'wrong-password-1' }));
      expect(error.code).toBe('rule_violation');
      expect(error.errors).toEqual([{ field: 'current_password', message: 'is wrong' }]);
      expect((await fake.users.findById(ada.id))?.name).toBe('Seeded User');
    });

    it('when the current password is wrong, then it counts as a failed login for (account, IP) and for the IP', async () => {
      await caught(own({ name: 'Countess', currentPassword: 'wrong-password-1' }));
      expect(fake.limits.perAccountIp.count(`${IP} ada@example.com`)).toBe(1);
      expect(fake.limits.perIp.count(IP)).toBe(1);
    });

    it('when the failures are over the limit, then even the right password is rate_limited, checked before verifying', async () => {
      for (let i = 0; i < 3; i += 1) await caught(own({ name: 'X', currentPassword: 'wrong-password-1' }));
      const verify = vi.spyOn(fake.hasher, 'verify');
      const error = await caught(own({ name: 'Countess', currentPassword: PASSWORD }));
      expect(error.code).toBe('rate_limited');
      expect(error.retryAfterSeconds).toBe(120);
      expect(verify).not.toHaveBeenCalled();
      expect((await own({ name: 'Countess', currentPassword: PASSWORD }, '198.51.100.1')).name).toBe('Countess');
    });

    it('when the name is changed with the right password, then the name is trimmed, sessions are kept and nothing is revoked', async () => {
      const session = await login(ada.email);
      const updated = await own({ name: '  Countess of Lovelace ', currentPassword: PASSWORD });
      expect(updated.name).toBe('Countess of Lovelace');
      expect(updated.tokensValidAfter).toBeNull();
      expect(fake.users.revokedEvents).toEqual([]);
      expect(await refreshWorks(session)).toBe(true);
    });

    it('when a new password is set, then it is stored hashed, refresh tokens are revoked and tokens before the next second are refused', async () => {
      const phone = await login(ada.email);
      const laptop = await login(ada.email);
      fake.clock.set('2026-01-15T10:00:00.250Z');
      const updated = await own({ password: 'new-password-456', currentPassword: PASSWORD });
      expect(updated.passwordHash).toBe('hashed:new-password-456');
      expect(updated.tokensValidAfter).toEqual(new Date('2026-01-15T10:00:01.000Z'));
      expect(fake.users.revokedEvents).toEqual([
        { user_id: ada.id, not_before: '2026-01-15T10:00:01Z', reason: 'password_changed' },
      ]);
      expect(await refreshWorks(phone)).toBe(false);
      expect(await refreshWorks(laptop)).toBe(false);
    });

    it('when the user signs in again in the second of the change, then the token is issued at the revocation time', async () => {
      fake.clock.set('2026-01-15T10:00:00.250Z');
      await own({ password: 'new-password-456', currentPassword: PASSWORD });
      const response = await passwordGrant(
        { email: ada.email, password: 'new-password-456', clientIp: IP },
        fake.passwordGrant,
      );
      expect(fake.signer.claimsOf(response.access_token).issuedAt).toBe(Date.parse('2026-01-15T10:00:01Z') / 1000);
      fake.clock.advance(5);
      const later = await passwordGrant(
        { email: ada.email, password: 'new-password-456', clientIp: IP },
        fake.passwordGrant,
      );
      expect(fake.signer.claimsOf(later.access_token).issuedAt).toBe(Date.parse('2026-01-15T10:00:05Z') / 1000);
    });

    it("when a user sets a new password, then another user's sessions keep working", async () => {
      const adminSession = await login(admin.email);
      await own({ password: 'new-password-456', currentPassword: PASSWORD });
      expect(await refreshWorks(adminSession)).toBe(true);
    });

    it('when the new password is the e-mail address, then it fails with rule_violation, the old one stays and nothing is revoked', async () => {
      const error = await caught(own({ password: 'ADA@example.com', currentPassword: PASSWORD }));
      expect(error.code).toBe('rule_violation');
      expect((await fake.users.findById(ada.id))?.passwordHash).toBe(`hashed:${PASSWORD}`);
      expect(fake.users.revokedEvents).toEqual([]);
    });

    it('when the account is deactivated, then it is not found', async () => {
      await fake.users.update(ada.id, { isActive: false });
      const error = await caught(own({ name: 'X', currentPassword: PASSWORD }));
      expect(error.code).toBe('not_found');
    });
  });

  describe('adminUpdateUser', () => {
    it.each([
      ['demotes', { role: 'customer' as const }, 'role'],
      ['deactivates', { isActive: false }, 'is_active'],
    ])(
      'when an admin %s herself, then rule_violation naming the field, even with another admin around',
      async (_label, input, field) => {
        await secondAdmin();
        const error = await caught(adminUpdateUser(asAdmin, admin.id, input, fake.manageUsers));
        expect(error.code).toBe('rule_violation');
        expect(error.errors).toEqual([{ field, message: expect.stringMatching(/yourself/) }]);
        expect(await fake.users.findById(admin.id)).toMatchObject({ role: 'admin', isActive: true });
        expect(fake.users.revokedEvents.filter((event) => event.user_id === admin.id)).toEqual([]);
      },
    );

    it('when another active admin exists, then an admin can demote or deactivate the other one', async () => {
      const ada2 = await secondAdmin();
      const demoted = await adminUpdateUser(ada2, admin.id, { role: 'customer' }, fake.manageUsers);
      expect(demoted.role).toBe('customer');
      expect(await fake.users.countActiveAdmins()).toBe(1);
    });

    it('when the actor is no admin any more, then forbidden, whatever the token says', async () => {
      const ada2 = await secondAdmin();
      await fake.users.update(ada.id, { role: 'customer' });
      const error = await caught(adminUpdateUser(ada2, admin.id, { isActive: false }, fake.manageUsers));
      expect(error).toBeInstanceOf(CallerRefused);
      expect(error.code).toBe('forbidden');
      expect((await fake.users.findById(admin.id))?.isActive).toBe(true);
    });

    it.each([
      ['deactivated', { isActive: false }, 'inactive'],
      ['demoted', { role: 'customer' as const }, 'revoked'],
    ])('when the actor was %s after her token was issued, then unauthenticated', async (_label, change, reason) => {
      const ada2 = await secondAdmin();
      const third = fake.users.seed({ email: 'third@example.com', passwordHash: 'x', role: 'admin' });
      await adminUpdateUser({ userId: third.id, issuedAt: nowSeconds() }, ada.id, change, fake.manageUsers);
      const error = await caught(adminUpdateUser(ada2, admin.id, { isActive: false }, fake.manageUsers));
      expect(error).toBeInstanceOf(CallerRefused);
      expect((error as CallerRefused).reason).toBe(reason);
      expect(error.code).toBe('unauthenticated');
    });

    it('when two admins demote each other at once, then exactly one succeeds and one active admin remains', async () => {
      const ada2 = await secondAdmin();
      const results = await Promise.allSettled([
        adminUpdateUser(asAdmin, ada.id, { role: 'customer' }, fake.manageUsers),
        adminUpdateUser(ada2, admin.id, { role: 'customer' }, fake.manageUsers),
      ]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expect(await fake.users.countActiveAdmins()).toBe(1);
    });

    it.each([
      ['deactivated', { isActive: false }],
      ['role_changed', { role: 'admin' as const }],
    ])(
      'when the change means %s, then refresh tokens are revoked, tokens_valid_after is the next second and the event is written',
      async (reason, input) => {
        const session = await login(ada.email);
        fake.clock.set('2026-01-15T10:00:00.900Z');
        const updated = await adminUpdateUser(asAdmin, ada.id, input, fake.manageUsers);
        expect(updated.tokensValidAfter).toEqual(new Date('2026-01-15T10:00:01.000Z'));
        expect(fake.users.revokedEvents).toEqual([{ user_id: ada.id, not_before: '2026-01-15T10:00:01Z', reason }]);
        await fake.users.update(ada.id, { isActive: true });
        expect(await refreshWorks(session)).toBe(false);
      },
    );

    it('when a user is deactivated and demoted at once, then one event says deactivated', async () => {
      await secondAdmin();
      await adminUpdateUser(asAdmin, ada.id, { role: 'customer', isActive: false }, fake.manageUsers);
      expect(fake.users.revokedEvents.filter((event) => event.user_id === ada.id).map((event) => event.reason)).toEqual(
        ['role_changed', 'deactivated'],
      );
    });

    it('when nothing changes (same role, already active, reactivation), then nothing is revoked', async () => {
      const session = await login(ada.email);
      await adminUpdateUser(asAdmin, ada.id, { role: 'customer', isActive: true }, fake.manageUsers);
      await fake.users.update(ada.id, { isActive: false });
      await adminUpdateUser(asAdmin, ada.id, { isActive: true }, fake.manageUsers);
      expect(fake.users.revokedEvents).toEqual([]);
      expect(await refreshWorks(session)).toBe(true);
    });

    it("when a user is deactivated, then another user's sessions keep working", async () => {
      const adminSession = await login(admin.email);
      await adminUpdateUser(asAdmin, ada.id, { isActive: false }, fake.manageUsers);
      expect(await refreshWorks(adminSession)).toBe(true);
    });

    it('when the user does not exist, then it is not found', async () => {
      const error = await caught(adminUpdateUser(asAdmin, 999, { isActive: false }, fake.manageUsers));
      expect(error.code).toBe('not_found');
    });
  });

  describe('getUser', () => {
    it('when the user exists, then it is returned; when not, then not_found', async () => {
      expect((await getUser(ada.id, fake.manageUsers)).email).toBe('ada@example.com');
      expect((await caught(getUser(999, fake.manageUsers))).code).toBe('not_found');
    });
  });
});
