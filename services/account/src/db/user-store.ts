import { EVENT_TYPES, type UserRegistered } from '@shop/contracts';
import { type Db, Outbox } from '@shop/platform';
import { and, asc, count, eq, gt, ilike, sql } from 'drizzle-orm';
import type { NewUser, UserChanges, UserPage, UserStore } from '../domain/ports.ts';
import type { User } from '../domain/user.ts';
import { outbox, users } from './schema.ts';

export class PgUserStore implements UserStore {
  /** Every authenticated request looks a user up by id: prepared once, planned once per connection. */
  private readonly byId;
  private readonly events = new Outbox(outbox, '/account');

  constructor(private readonly db: Db) {
    this.byId = db
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare('account_user_by_id');
  }

  async register(user: NewUser): Promise<User | null> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.insert(users).values(user).onConflictDoNothing({ target: users.email }).returning();
      if (!row) return null;
      const data: UserRegistered = { user_id: row.id, email: row.email, name: row.name };
      await this.events.add(tx, EVENT_TYPES.userRegistered, data);
      return row;
    });
  }

  async insertQuietly(user: NewUser): Promise<User | null> {
    const [row] = await this.db.insert(users).values(user).onConflictDoNothing({ target: users.email }).returning();
    return row ?? null;
  }

  async findById(id: number): Promise<User | null> {
    const [row] = await this.byId.execute({ id });
    return row ?? null;
  }

  async findByEmail(email: string): Promise<User | null> {
    // PostgreSQL text cannot hold U+0000: no stored address has one, and the query would fail.
    if (email.includes('\u0000')) return null;
    const [row] = await this.db.select().from(users).where(eq(users.email, email));
    return row ?? null;
  }

  async list(query: { emailContains?: string; afterId?: number; limit: number }): Promise<UserPage> {
    const conditions = [];
    if (query.emailContains) conditions.push(ilike(users.email, `%${escapeLike(query.emailContains)}%`));
    if (query.afterId !== undefined) conditions.push(gt(users.id, query.afterId));
    const rows = await this.db
      .select()
      .from(users)
      .where(and(...conditions))
      .orderBy(asc(users.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    return { users: page, nextAfterId: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
  }

  async update(id: number, changes: UserChanges): Promise<User | null> {
    const [row] = await this.db
      .update(users)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(eq(users.id, id))
      .returning();
    return row ?? null;
  }

  async countActiveAdmins(): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, 'admin'), eq(users.isActive, true)));
    return row?.n ?? 0;
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
