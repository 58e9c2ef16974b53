import { conflict, notFound, ruleViolation } from '@shop/platform/errors';
import type { Clock, PasswordHasher, RefreshTokenStore, UserChanges, UserStore } from './ports.ts';
import type { Role } from './scopes.ts';
import { checkPassword, normalizeName, type User } from './user.ts';

export interface ManageUsersDeps {
  users: UserStore;
  hasher: PasswordHasher;
  refreshTokens: RefreshTokenStore;
  clock: Clock;
}

/**
 * A user changes their own name or password. The current password is always required;
 * a new password ends every session (all refresh tokens are revoked).
 */
export async function updateOwnAccount(
  userId: number,
  input: { name?: string; password?: string; currentPassword: string },
  deps: ManageUsersDeps,
): Promise<User> {
  const user = await deps.users.findById(userId);
  if (!user?.isActive) throw notFound('No such account.');
  if (!(await deps.hasher.verify(user.passwordHash, input.currentPassword))) {
    throw ruleViolation('The current password is wrong.', {
      errors: [{ field: 'current_password', message: 'is wrong' }],
    });
  }
  const changes: UserChanges = {};
  if (input.name !== undefined) changes.name = normalizeName(input.name);
  if (input.password !== undefined) {
    checkPassword(input.password, user.email);
    changes.passwordHash = await deps.hasher.hash(input.password);
  }
  const updated = await deps.users.update(userId, changes);
  if (!updated) throw notFound('No such account.');
  if (changes.passwordHash) await deps.refreshTokens.revokeAllOfUser(userId, deps.clock.now());
  return updated;
}

/**
 * An admin changes a user's role or active flag. Deactivating ends the user's sessions.
 * The last active admin can be neither demoted nor deactivated, so the shop always
 * keeps someone who can administer it.
 */
export async function adminUpdateUser(
  userId: number,
  input: { role?: Role; isActive?: boolean },
  deps: ManageUsersDeps,
): Promise<User> {
  const user = await deps.users.findById(userId);
  if (!user) throw notFound(`No user with id ${userId}.`);
  const losesAdmin = user.role === 'admin' && user.isActive && (input.role === 'customer' || input.isActive === false);
  if (losesAdmin && (await deps.users.countActiveAdmins()) <= 1) {
    throw conflict('This is the last active admin; make another admin first.');
  }
  const changes: UserChanges = {};
  if (input.role !== undefined) changes.role = input.role;
  if (input.isActive !== undefined) changes.isActive = input.isActive;
  const updated = await deps.users.update(userId, changes);
  if (!updated) throw notFound(`No user with id ${userId}.`);
  if (input.isActive === false || input.role !== undefined) {
    await deps.refreshTokens.revokeAllOfUser(userId, deps.clock.now());
  }
  return updated;
}

export async function getUser(userId: number, deps: Pick<ManageUsersDeps, 'users'>): Promise<User> {
  const user = await deps.users.findById(userId);
  if (!user) throw notFound(`No user with id ${userId}.`);
  return user;
}
