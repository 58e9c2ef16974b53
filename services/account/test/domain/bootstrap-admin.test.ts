import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureAdmin } from '../../src/domain/bootstrap-admin.ts';
import { FakePasswordHasher, InMemoryUserStore } from '../fakes/index.ts';

const ADMIN = { email: 'Admin@Example.com', password: 'first-admin-password' };

describe('ensureAdmin', () => {
  let users: InMemoryUserStore;
  let hasher: FakePasswordHasher;
  beforeEach(() => {
    users = new InMemoryUserStore();
    hasher = new FakePasswordHasher();
  });

  it('when no admin exists, then the admin is created with the configured password, quietly', async () => {
    const result = await ensureAdmin(ADMIN, { users, hasher });
    expect(result.created).toBe(true);
    expect(result.user).toMatchObject({ email: 'admin@example.com', role: 'admin', isActive: true });
    expect(result.user?.passwordHash).toBe('hashed:first-admin-password');
    expect(users.registeredEvents).toEqual([]);
  });

  it('when called a second time with another password, then nothing is created or changed', async () => {
    await ensureAdmin(ADMIN, { users, hasher });
    const update = vi.spyOn(users, 'update');
    const insert = vi.spyOn(users, 'insertQuietly');
    const second = await ensureAdmin({ ...ADMIN, password: 'another-admin-password' }, { users, hasher });
    expect(second).toEqual({ created: false, user: null });
    expect(update).not.toHaveBeenCalled();
    expect(insert).not.toHaveBeenCalled();
    const stored = await users.findByEmail('admin@example.com');
    expect(stored?.passwordHash).toBe('hashed:first-admin-password');
    expect(await users.countActiveAdmins()).toBe(1);
  });

  it('when another active admin exists, then no admin is created for the configured e-mail', async () => {
    users.seed({ email: 'boss@example.com', passwordHash: 'hashed:boss-password', role: 'admin' });
    const result = await ensureAdmin(ADMIN, { users, hasher });
    expect(result.created).toBe(false);
    expect(await users.findByEmail('admin@example.com')).toBeNull();
  });

  it('when the configured password breaks the password rules, then it is refused and no admin is created', async () => {
    await expect(ensureAdmin({ ...ADMIN, password: 'short' }, { users, hasher })).rejects.toMatchObject({
      code: 'rule_violation',
    });
    expect(await users.countActiveAdmins()).toBe(0);
  });

  it('when a customer registered the admin e-mail with another password first, then they are not made admin', async () => {
    const squatter = users.seed({ email: 'admin@example.com', passwordHash: 'hashed:squatter-password' });
    await expect(ensureAdmin(ADMIN, { users, hasher })).rejects.toMatchObject({ code: 'conflict' });
    expect(await users.findById(squatter.id)).toMatchObject({
      role: 'customer',
      passwordHash: 'hashed:squatter-password',
    });
    expect(await users.countActiveAdmins()).toBe(0);
  });

  it('when the admin e-mail belongs to a demoted account with the configured password, then it is made admin again', async () => {
    const former = users.seed({
      email: 'admin@example.com',
      passwordHash: 'hashed:first-admin-password',
      isActive: false,
    });
    const result = await ensureAdmin(ADMIN, { users, hasher });
    expect(result).toMatchObject({ created: false, user: { id: former.id, role: 'admin', isActive: true } });
    expect(await users.countActiveAdmins()).toBe(1);
  });
});
