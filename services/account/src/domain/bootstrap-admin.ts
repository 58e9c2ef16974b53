import { conflict } from '@shop/platform/errors';
import type { PasswordHasher, UserStore } from './ports.ts';
import { checkPassword, normalizeEmail, type User } from './user.ts';

/**
 * On first start, creates the admin from configuration. Does nothing when an active
 * admin exists already, so changing ADMIN_PASSWORD later never resets anyone.
 */
export async function ensureAdmin(
  admin: { email: string; password: string },
  deps: { users: UserStore; hasher: PasswordHasher },
): Promise<{ created: boolean; user: User | null }> {
  if ((await deps.users.countActiveAdmins()) > 0) return { created: false, user: null };
  const email = normalizeEmail(admin.email);
  checkPassword(admin.password, email);
  const existing = await deps.users.findByEmail(email);
  if (existing) {
    // Someone may have registered the admin e-mail first: only the holder of the configured password is promoted.
    if (!(await deps.hasher.verify(existing.passwordHash, admin.password))) {
      throw conflict(`The admin e-mail ${email} belongs to another account; configure another ADMIN_EMAIL.`);
    }
    const user = await deps.users.update(existing.id, { role: 'admin', isActive: true });
    return { created: false, user };
  }
  const user = await deps.users.insertQuietly({
    email,
    name: 'Administrator',
    passwordHash: await deps.hasher.hash(admin.password),
    role: 'admin',
  });
  return { created: user !== null, user };
}
