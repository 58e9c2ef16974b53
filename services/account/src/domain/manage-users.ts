import { conflict, notFound, ruleViolation } from '@shop/platform/errors';
import { countFailure, forgetFailures, type LoginLimits, refuseWhileLimited } from './login-limits.ts';
import type { Clock, PasswordHasher, UserChanges, UserStore } from './ports.ts';
import type { Role } from './scopes.ts';
import { type Caller, checkCaller, revocationAt, type SessionRevocation } from './sessions.ts';
import { checkPassword, normalizeName, type User } from './user.ts';

export interface ManageUsersDeps {
  users: UserStore;
  hasher: PasswordHasher;
  clock: Clock;
  /** A wrong current password counts like a failed login. */
  limits: LoginLimits;
}

/**
 * A user changes their own name or password. The current password is always required,
 * and a wrong one counts like a failed login (so a stolen access token cannot be used to
 * guess it without limit). A new password ends every session: refresh tokens and access
 * tokens issued before it.
 */
export async function updateOwnAccount(
  userId: number,
  input: { name?: string; password?: string; currentPassword: string; clientIp: string },
  deps: ManageUsersDeps,
): Promise<User> {
  const user = await deps.users.findById(userId);
  if (!user?.isActive) throw notFound('No such account.');
  await refuseWhileLimited(deps.limits, user.email, input.clientIp);
  if (!(await deps.hasher.verify(user.passwordHash, input.currentPassword))) {
    await countFailure(deps.limits, user.email, input.clientIp);
    throw ruleViolation('The current password is wrong.', {
      errors: [{ field: 'current_password', message: 'is wrong' }],
    });
  }
  await forgetFailures(deps.limits, user.email, input.clientIp);
  const changes: UserChanges = {};
  if (input.name !== undefined) changes.name = normalizeName(input.name);
  let revocation: SessionRevocation | undefined;
  if (input.password !== undefined) {
    checkPassword(input.password, user.email);
    changes.passwordHash = await deps.hasher.hash(input.password);
    revocation = revocationAt(deps.clock.now(), 'password_changed');
  }
  const updated = await deps.users.update(userId, changes, revocation);
  if (!updated) throw notFound('No such account.');
  return updated;
}

/**
 * An admin changes a user's role or active flag. Deactivating or changing the role ends
 * the user's sessions. Decided with every active admin's row locked: the acting admin
 * must still be an admin with a valid token, may not demote or deactivate themselves,
 * and the last active admin is never removed, even when two admins act at once.
 */
export async function adminUpdateUser(
  actor: Caller,
  userId: number,
  input: { role?: Role; isActive?: boolean },
  deps: Pick<ManageUsersDeps, 'users' | 'clock'>,
): Promise<User> {
  return deps.users.withActiveAdminsLocked(async (locked) => {
    const find = async (id: number) => locked.activeAdmins.find((admin) => admin.id === id) ?? locked.findById(id);
    checkCaller(await find(actor.userId), actor.issuedAt, 'admin');
    const user = await find(userId);
    if (!user) throw notFound(`No user with id ${userId}.`);

    const demoted = input.role !== undefined && input.role !== user.role && user.role === 'admin';
    const deactivated = input.isActive === false && user.isActive;
    if (user.id === actor.userId && (demoted || deactivated)) throw selfRemoval(demoted ? 'role' : 'is_active');
    const losesAdmin = user.role === 'admin' && user.isActive && (demoted || deactivated);
    const otherAdmins = locked.activeAdmins.filter((admin) => admin.id !== user.id);
    if (losesAdmin && otherAdmins.length === 0) {
      throw conflict('This is the last active admin; make another admin first.');
    }

    const changes: UserChanges = {};
    if (input.role !== undefined) changes.role = input.role;
    if (input.isActive !== undefined) changes.isActive = input.isActive;
    const roleChanged = input.role !== undefined && input.role !== user.role;
    const now = deps.clock.now();
    const revocation = deactivated
      ? revocationAt(now, 'deactivated')
      : roleChanged
        ? revocationAt(now, 'role_changed')
        : undefined;
    const updated = await locked.update(userId, changes, revocation);
    if (!updated) throw notFound(`No user with id ${userId}.`);
    return updated;
  });
}

export async function getUser(userId: number, deps: Pick<ManageUsersDeps, 'users'>): Promise<User> {
  const user = await deps.users.findById(userId);
  if (!user) throw notFound(`No user with id ${userId}.`);
  return user;
}

function selfRemoval(field: 'role' | 'is_active') {
  const message = field === 'role' ? 'you cannot demote yourself' : 'you cannot deactivate yourself';
  return ruleViolation(
    'You cannot demote or deactivate yourself: another admin has to, so no admin loses the shop by a slip.',
    { errors: [{ field, message }] },
  );
}
