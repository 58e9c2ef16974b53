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
