import type { Role } from './scopes.ts';
import type { User } from './user.ts';

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
}

export interface UserChanges {
  name?: string;
  passwordHash?: string;
  role?: Role;
  isActive?: boolean;
}

export interface UserPage {
  users: User[];
  /** Id to continue after, or null on the last page. */
  nextAfterId: number | null;
}

export interface UserStore {
  /**
   * Inserts the user and its `account.user_registered` event in one transaction.
   * Returns null when the e-mail is taken.
   */
  register(user: NewUser): Promise<User | null>;
  /** Inserts a user without announcing it (the bootstrap admin). Null when the e-mail is taken. */
  insertQuietly(user: NewUser): Promise<User | null>;
  findById(id: number): Promise<User | null>;
  findByEmail(email: string): Promise<User | null>;
  list(query: { emailContains?: string; afterId?: number; limit: number }): Promise<UserPage>;
  update(id: number, changes: UserChanges): Promise<User | null>;
  countActiveAdmins(): Promise<number>;
}

export interface RefreshToken {
  id: string;
  userId: number;
  familyId: string;
  /** Space-separated scopes granted at login. */
  scope: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewRefreshToken {
  id: string;
  userId: number;
  familyId: string;
  scope: string;
  tokenHash: string;
  expiresAt: Date;
}

export interface RefreshTokenStore {
  insert(token: NewRefreshToken): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshToken | null>;
  /**
   * Marks `oldId` rotated and inserts `next`, atomically, only if `oldId` is still
   * live. False when another request rotated or revoked it first.
   */
  rotate(oldId: string, next: NewRefreshToken, at: Date): Promise<boolean>;
  revokeFamily(familyId: string, at: Date): Promise<void>;
  revokeAllOfUser(userId: number, at: Date): Promise<void>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

/** Signs access tokens with the current signing key. */
export interface AccessTokenSigner {
  sign(claims: Record<string, unknown>, subject: string, ttlSeconds: number): Promise<string>;
}

/** Failed-attempt counters (see @shop/platform AttemptLimiter). */
export interface FailureLimiter {
  retryAfter(key: string): Promise<number | null>;
  fail(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

export interface Clock {
  now(): Date;
}

/** An OAuth client for service-to-service calls (client_credentials). */
export interface ServiceClientRegistration {
  id: string;
  /** SHA-256 of the secret, hex. */
  secretHash: string;
  scopes: string[];
}
