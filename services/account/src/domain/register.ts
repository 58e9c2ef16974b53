import { conflict, DomainError } from '@shop/platform/errors';
import type { PasswordHasher, RequestCounter, UserStore } from './ports.ts';
import { checkPassword, normalizeEmail, normalizeName, type User } from './user.ts';

export interface RegisterDeps {
  users: UserStore;
  hasher: PasswordHasher;
  /** Registration attempts per client IP: each one costs an argon2 hash. */
  registrations: RequestCounter;
}

/**
 * Registers a customer. The `account.user_registered` event is written with the user
 * in one transaction, so a welcome e-mail follows every registration and no other.
 * Every attempt counts against the client IP's allowance, taken or refused.
 */
export async function register(
  input: { email: string; name: string; password: string; clientIp: string },
  deps: RegisterDeps,
): Promise<User> {
  const allowance = await deps.registrations.consume(input.clientIp);
  if (!allowance.allowed) {
    throw new DomainError('rate_limited', 'Too many registrations from this address. Try again later.', {
      retryAfterSeconds: allowance.resetSeconds,
    });
  }
  const email = normalizeEmail(input.email);
  const name = normalizeName(input.name);
  checkPassword(input.password, email);
  if (await deps.users.findByEmail(email)) throw emailTaken();
  const passwordHash = await deps.hasher.hash(input.password);
  const user = await deps.users.register({ email, name, passwordHash, role: 'customer' });
  if (!user) throw emailTaken(); // registered concurrently between the check and the insert
  return user;
}

const emailTaken = () => conflict('An account with this e-mail address already exists.');
