import type { NewUser, UserChanges, UserPage, UserStore } from '../../src/domain/ports.ts';
import type { User } from '../../src/domain/user.ts';

/** UserStore in memory, with the PostgreSQL adapter's rules: unique e-mail, ids from 1, registration events. */
export class InMemoryUserStore implements UserStore {
  private readonly users = new Map<number, User>();
  private nextId = 1;
  /** The `account.user_registered` events register() wrote. */
  readonly registeredEvents: Array<{ user_id: number; email: string; name: string }> = [];

  async register(user: NewUser): Promise<User | null> {
    const created = this.insert(user);
    if (created) this.registeredEvents.push({ user_id: created.id, email: created.email, name: created.name });
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

  async list(query: { emailContains?: string; afterId?: number; limit: number }): Promise<UserPage> {
    const needle = query.emailContains?.toLowerCase();
    const rows = [...this.users.values()]
      .filter((user) => (needle ? user.email.toLowerCase().includes(needle) : true))
      .filter((user) => (query.afterId === undefined ? true : user.id > query.afterId))
      .sort((a, b) => a.id - b.id);
    const page = rows.slice(0, query.limit).map((user) => ({ ...user }));
    return { users: page, nextAfterId: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
  }

  async update(id: number, changes: UserChanges): Promise<User | null> {
    const user = this.users.get(id);
    if (!user) return null;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const updated: User = { ...user, ...defined, updatedAt: new Date() };
    this.users.set(id, updated);
    return { ...updated };
  }

  async countActiveAdmins(): Promise<number> {
    return [...this.users.values()].filter((user) => user.role === 'admin' && user.isActive).length;
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
    };
    this.users.set(created.id, created);
    return created;
  }
}
