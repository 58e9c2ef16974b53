import { ruleViolation } from '@shop/platform/errors';
import type { Role } from './scopes.ts';

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  isActive: boolean;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
  /** Access tokens issued before this whole second are refused; null: never revoked. */
  tokensValidAfter: Date | null;
}

/** What a client may see of a user: never the password hash. */
export interface UserView {
  id: number;
  email: string;
  name: string;
  role: Role;
  is_active: boolean;
  created_at: string;
}

export function toView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    is_active: user.isActive,
    created_at: user.createdAt.toISOString(),
  };
}

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** E-mail addresses are compared case-insensitively, so they are kept in one case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Names are trimmed and must keep at least one visible character. */
export function normalizeName(name: string): string {
  const trimmed = name.normalize('NFC').trim();
  if (trimmed.length === 0)
    throw ruleViolation('The name must not be blank.', { errors: [{ field: 'name', message: 'must not be blank' }] });
  return trimmed;
}

/** Password rules beyond length (which the request schema checks): not all blank, not the e-mail. */
export function checkPassword(password: string, email: string): void {
  const length = [...password].length;
  const problems: string[] = [];
  if (length < PASSWORD_MIN || length > PASSWORD_MAX)
    problems.push(`must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`);
  if (password.trim().length === 0) problems.push('must not be only spaces');
  if (normalizeEmail(password) === normalizeEmail(email)) problems.push('must not be the e-mail address');
  if (problems.length > 0) {
    throw ruleViolation(`The password ${problems.join(' and ')}.`, {
      errors: problems.map((message) => ({ field: 'password', message })),
    });
  }
}
