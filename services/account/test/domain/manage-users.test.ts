import { DomainError } from '@shop/platform/errors';
import { beforeEach, describe, expect, it } from 'vitest';
import { adminUpdateUser, getUser, updateOwnAccount } from '../../src/domain/manage-users.ts';
import { passwordGrant } from '../../src/domain/password-grant.ts';
import { refreshGrant } from '../../src/domain/refresh-grant.ts';
import type { User } from '../../src/domain/user.ts';
import { type FakeAccount, fakeAccount } from '../fakes/index.ts';

const PASSWORD = 'correct-horse-battery';

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
  beforeEach(() => {
    fake = fakeAccount();
    admin = fake.users.seed({ email: 'admin@example.com', passwordHash: `hashed:${PASSWORD}`, role: 'admin' });
    ada = fake.users.seed({ email: 'ada@example.com', passwordHash: `hashed:${PASSWORD}` });
  });

  async function login(email: string): Promise<string> {
    const response = await passwordGrant({ email, password: PASSWORD, clientIp: '203.0.113.7' }, fake.passwordGrant);
    return response.refresh_token ?? '';
  }

  async function refreshWorks(token: string): Promise<boolean> {
    return refreshGrant({ refreshToken: token }, fake.refreshGrant).then(
      () => true,
      () => false,
    );
  }

  describe('updateOwnAccount', () => {
    it('when the current password is wrong, then it fails with rule_violation on current_password and changes nothing', async () => {
      const error = await caught(
        updateOwnAccount(ada.id, { name: 'Countess', currentPassword: 'wrong-password-1' }, fake.manageUsers),
      );
      expect(error.code).toBe('rule_violation');
      expect(error.errors).toEqual([{ field: 'current_password', message: 'is wrong' }]);
      expect((await fake.users.findById(ada.id))?.name).toBe('Seeded User');
    });

    it('when the name is changed with the right password, then the name is trimmed and sessions are kept', async () => {
      const session = await login(ada.email);
      const updated = await updateOwnAccount(
        ada.id,
        { name: '  Countess of Lovelace ', currentPassword: PASSWORD },
        fake.manageUsers,
      );
      expect(updated.name).toBe('Countess of Lovelace');
      expect(await refreshWorks(session)).toBe(true);
    });

    it('when a new password is set, then it is stored hashed and every refresh token of the user is revoked', async () => {
      const phone = await login(ada.email);
      const laptop = await login(ada.email);
      const updated = await updateOwnAccount(
        ada.id,
        { password: 'new-password-456', currentPassword: PASSWORD },
        fake.manageUsers,
      );
      expect(updated.passwordHash).toBe('hashed:new-password-456');
      expect(await refreshWorks(phone)).toBe(false);
      expect(await refreshWorks(laptop)).toBe(false);
    });

    it("when a user sets a new password, then another user's sessions keep working", async () => {
      const adminSession = await login(admin.email);
      await updateOwnAccount(ada.id, { password: 'new-password-456', currentPassword: PASSWORD }, fake.manageUsers);
      expect(await refreshWorks(adminSession)).toBe(true);
    });

    it('when the new password is the e-mail address, then it fails with rule_violation and the old one stays', async () => {
      const error = await caught(
        updateOwnAccount(ada.id, { password: 'ADA@example.com', currentPassword: PASSWORD }, fake.manageUsers),
      );
      expect(error.code).toBe('rule_violation');
      expect((await fake.users.findById(ada.id))?.passwordHash).toBe(`hashed:${PASSWORD}`);
    });

    it('when the account is deactivated, then it is not found', async () => {
      await fake.users.update(ada.id, { isActive: false });
      const error = await caught(updateOwnAccount(ada.id, { name: 'X', currentPassword: PASSWORD }, fake.manageUsers));
      expect(error.code).toBe('not_found');
    });
  });

  describe('adminUpdateUser', () => {
    it('when the last active admin is demoted, then it fails with conflict and the admin stays admin', async () => {
      const error = await caught(adminUpdateUser(admin.id, { role: 'customer' }, fake.manageUsers));
      expect(error.code).toBe('conflict');
      expect((await fake.users.findById(admin.id))?.role).toBe('admin');
    });

    it('when the last active admin is deactivated, then it fails with conflict and the admin stays active', async () => {
      const error = await caught(adminUpdateUser(admin.id, { isActive: false }, fake.manageUsers));
      expect(error.code).toBe('conflict');
      expect((await fake.users.findById(admin.id))?.isActive).toBe(true);
    });

    it('when another active admin exists, then an admin can be demoted', async () => {
      await adminUpdateUser(ada.id, { role: 'admin' }, fake.manageUsers);
      const updated = await adminUpdateUser(admin.id, { role: 'customer' }, fake.manageUsers);
      expect(updated.role).toBe('customer');
      expect(await fake.users.countActiveAdmins()).toBe(1);
    });

    it('when another active admin exists, then an admin can be deactivated', async () => {
      await adminUpdateUser(ada.id, { role: 'admin' }, fake.manageUsers);
      const updated = await adminUpdateUser(admin.id, { isActive: false }, fake.manageUsers);
      expect(updated.isActive).toBe(false);
    });

    it('when the only other admin is deactivated, then the last active admin still cannot be demoted', async () => {
      const other = fake.users.seed({
        email: 'old-admin@example.com',
        passwordHash: 'x',
        role: 'admin',
        isActive: false,
      });
      expect(other.isActive).toBe(false);
      const error = await caught(adminUpdateUser(admin.id, { role: 'customer' }, fake.manageUsers));
      expect(error.code).toBe('conflict');
    });

    it('when a user is deactivated, then all their refresh tokens are revoked', async () => {
      const session = await login(ada.email);
      await adminUpdateUser(ada.id, { isActive: false }, fake.manageUsers);
      await fake.users.update(ada.id, { isActive: true });
      expect(await refreshWorks(session)).toBe(false);
    });

    it('when a role changes, then the refresh tokens are revoked so no token keeps the old scopes', async () => {
      const session = await login(ada.email);
      await adminUpdateUser(ada.id, { role: 'admin' }, fake.manageUsers);
      expect(await refreshWorks(session)).toBe(false);
    });

    it("when a user is deactivated, then another user's sessions keep working", async () => {
      const adminSession = await login(admin.email);
      await adminUpdateUser(ada.id, { isActive: false }, fake.manageUsers);
      expect(await refreshWorks(adminSession)).toBe(true);
    });

    it('when the user does not exist, then it is not found', async () => {
      const error = await caught(adminUpdateUser(999, { isActive: false }, fake.manageUsers));
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
