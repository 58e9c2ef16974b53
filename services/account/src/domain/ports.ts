import type { Role } from './scopes.ts';
import type { SessionRevocation } from './sessions.ts';
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
  /** Where the next page starts, or null on the last page. */
  next: UserPosition | null;
}

/** A user's place in the list, oldest first: when it was created (PostgreSQL's text, to the microsecond), then its id. */
export interface UserPosition {
  createdAt: string;
  id: number;
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
  /** Oldest first, by creation time then id. */
  list(query: { emailContains?: string; after?: UserPosition; limit: number }): Promise<UserPage>;
  /**
   * Applies `changes`. With `revocation`, in the same transaction: moves the user's
   * tokens_valid_after to its `notBefore`, or to one second after the current value when
   * that is later (a token issued since the last revocation has that value as its iat),
   * revokes every refresh token of the user and writes `account.user_sessions_revoked`.
   */
  update(id: number, changes: UserChanges, revocation?: SessionRevocation): Promise<User | null>;
  /**
   * Runs `work` in one transaction that first locks every active admin's row, in id
   * order, so two changes to admins never decide on the same stale set of admins.
   */
  withActiveAdminsLocked<T>(work: (locked: LockedUsers) => Promise<T>): Promise<T>;
  countActiveAdmins(): Promise<number>;
  /** Users whose tokens_valid_after is later than `after`, oldest first. */
  revokedSince(after: Date): Promise<Array<{ userId: number; notBefore: Date }>>;
}

/** The users as seen inside withActiveAdminsLocked: reads and writes in its transaction. */
export interface LockedUsers {
  /** Every active admin, locked until the transaction ends, in id order. */
  readonly activeAdmins: ReadonlyArray<User>;
  findById(id: number): Promise<User | null>;
  update(id: number, changes: UserChanges, revocation?: SessionRevocation): Promise<User | null>;
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
  /** `issuedAt` (seconds) defaults to now; the token expires `ttlSeconds` after it. */
  sign(claims: Record<string, unknown>, subject: string, ttlSeconds: number, issuedAt?: number): Promise<string>;
}

/** Failed-attempt counters (see @shop/platform AttemptLimiter). */
export interface FailureLimiter {
  retryAfter(key: string): Promise<number | null>;
  fail(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

/** Counts every request per key in a window (see @shop/platform RequestLimiter). */
export interface RequestCounter {
  consume(key: string): Promise<{ allowed: boolean; resetSeconds: number }>;
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
