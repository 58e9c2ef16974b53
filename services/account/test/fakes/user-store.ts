import type { UserRegistered, UserSessionsRevoked } from '@shop/contracts';
import type { LockedUsers, NewUser, UserChanges, UserPage, UserPosition, UserStore } from '../../src/domain/ports.ts';
import type { SessionRevocation } from '../../src/domain/sessions.ts';
import type { User } from '../../src/domain/user.ts';
import { userRegisteredEvent, userSessionsRevokedEvent } from '../../src/events/account-events.ts';
import type { InMemoryRefreshTokenStore } from './refresh-token-store.ts';

/**
 * UserStore in memory, with the PostgreSQL adapter's rules: unique e-mail, ids from 1,
 * registration and revocation events, revocations that also revoke the refresh tokens
 * (of `refreshTokens`, when given), and withActiveAdminsLocked() run one at a time.
 */
export class InMemoryUserStore implements UserStore {
  private readonly users = new Map<number, User>();
  private nextId = 1;
  private adminLock: Promise<unknown> = Promise.resolve();
  /** The `account.user_registered` events register() wrote. */
  readonly registeredEvents: UserRegistered[] = [];
  /** The `account.user_sessions_revoked` events update() wrote. */
  readonly revokedEvents: UserSessionsRevoked[] = [];

  constructor(private readonly refreshTokens?: InMemoryRefreshTokenStore) {}

  async register(user: NewUser): Promise<User | null> {
    const created = this.insert(user);
    if (created) this.registeredEvents.push(userRegisteredEvent(created));
    return created ? { ...created } : null;
  }

  async insertQuietly(user: NewUser): Promise<User | null> {
    const created = this.insert(user);
    return created ? { ...created } : null;
  }

  async findById(id: number): Promise<User | null> {
    const user = this.users.get(id);
    return user ? { ...user } : null;
  }

  async findByEmail(email: string): Promise<User | null> {
    const user = [...this.users.values()].find((candidate) => candidate.email === email);
    return user ? { ...user } : null;
  }

  async list(query: { emailContains?: string; after?: UserPosition; limit: number }): Promise<UserPage> {
    const needle = query.emailContains?.toLowerCase();
    const position = (user: User) => [user.createdAt.getTime(), user.id] as const;
    const before = (a: readonly [number, number], b: readonly [number, number]) => a[0] - b[0] || a[1] - b[1];
    const after = query.after ? ([Date.parse(query.after.createdAt), query.after.id] as const) : undefined;
    const rows = [...this.users.values()]
      .filter((user) => (needle ? user.email.toLowerCase().includes(needle) : true))
      .filter((user) => (after ? before(position(user), after) > 0 : true))
      .sort((a, b) => before(position(a), position(b)));
    const page = rows.slice(0, query.limit).map((user) => ({ ...user }));
    const last = page.at(-1);
    return {
      users: page,
      next: rows.length > query.limit && last ? { createdAt: last.createdAt.toISOString(), id: last.id } : null,
    };
  }

  async update(id: number, changes: UserChanges, revocation?: SessionRevocation): Promise<User | null> {
    const user = this.users.get(id);
    if (!user) return null;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const updated: User = { ...user, ...defined, updatedAt: new Date() };
    if (revocation) {
      const pastCurrent = (user.tokensValidAfter?.getTime() ?? Number.NEGATIVE_INFINITY) + 1000;
      updated.tokensValidAfter = new Date(Math.max(pastCurrent, revocation.notBefore.getTime()));
      await this.refreshTokens?.revokeAllOfUser(id, revocation.at);
      this.revokedEvents.push(userSessionsRevokedEvent(updated, revocation));
    }
    this.users.set(id, updated);
    return { ...updated };
  }

  async withActiveAdminsLocked<T>(work: (locked: LockedUsers) => Promise<T>): Promise<T> {
    const run = this.adminLock.then(() => {
      const activeAdmins = [...this.users.values()]
        .filter((user) => user.role === 'admin' && user.isActive)
        .sort((a, b) => a.id - b.id)
        .map((user) => ({ ...user }));
      return work({
        activeAdmins,
        findById: (id) => this.findById(id),
        update: (id, changes, revocation) => this.update(id, changes, revocation),
      });
    });
    this.adminLock = run.catch(() => undefined);
    return run;
  }

  async countActiveAdmins(): Promise<number> {
    return [...this.users.values()].filter((user) => user.role === 'admin' && user.isActive).length;
  }

  async revokedSince(after: Date): Promise<Array<{ userId: number; notBefore: Date }>> {
    return [...this.users.values()]
      .filter((user) => user.tokensValidAfter !== null && user.tokensValidAfter.getTime() > after.getTime())
      .sort((a, b) => (a.tokensValidAfter?.getTime() ?? 0) - (b.tokensValidAfter?.getTime() ?? 0))
      .map((user) => ({ userId: user.id, notBefore: new Date(user.tokensValidAfter ?? 0) }));
  }

  /** Test setup: a user as it would be stored, without going through a use case. */
  seed(user: Partial<User> & Pick<User, 'email' | 'passwordHash'>): User {
    const created = this.insert({ name: 'Seeded User', role: 'customer', ...user });
    if (!created) throw new Error(`${user.email} is taken`);
    if (user.isActive === false) created.isActive = false;
    return { ...created };
  }

  private insert(user: NewUser): User | null {
    if ([...this.users.values()].some((existing) => existing.email === user.email)) return null;
    const now = new Date();
    const created: User = {
      id: this.nextId++,
      email: user.email,
      name: user.name,
      passwordHash: user.passwordHash,
      role: user.role,
      isActive: true,
      createdAt: now,
      updatedAt: now,
      tokensValidAfter: null,
    };
    this.users.set(created.id, created);
    return created;
  }
}
