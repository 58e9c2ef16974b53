import { EVENT_TYPES, type EventPayloads } from '@shop/contracts';
import { type Db, Outbox } from '@shop/platform';
import { and, asc, count, eq, gt, ilike, isNotNull, sql } from 'drizzle-orm';
import type { LockedUsers, NewUser, UserChanges, UserPage, UserPosition, UserStore } from '../domain/ports.ts';
import type { SessionRevocation } from '../domain/sessions.ts';
import type { User } from '../domain/user.ts';
import { userRegisteredEvent, userSessionsRevokedEvent } from '../events/account-events.ts';
import { PgRefreshTokenStore } from './refresh-token-store.ts';
import { outbox, users } from './schema.ts';

export class PgUserStore implements UserStore {
  /** Every authenticated request looks a user up by id: prepared once, planned once per connection. */
  private readonly byId;
  private readonly events = new Outbox<EventPayloads>(outbox, '/account');

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
      await this.events.add(tx, EVENT_TYPES.userRegistered, userRegisteredEvent(row));
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

  /**
   * Oldest first by creation time, then id. Ids alone would not do: a user's time is its
   * registration transaction's start, and concurrent registrations commit out of that order.
   */
  async list(query: { emailContains?: string; after?: UserPosition; limit: number }): Promise<UserPage> {
    const conditions = [];
    if (query.emailContains) conditions.push(ilike(users.email, `%${escapeLike(query.emailContains)}%`));
    if (query.after) {
      const { createdAt, id } = query.after;
      conditions.push(sql`(${users.createdAt}, ${users.id}) > (cast(${createdAt} as timestamptz), ${id})`);
    }
    const rows = await this.db
      .select({ user: users, createdAt: sql<string>`${users.createdAt}::text` })
      .from(users)
      .where(and(...conditions))
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      users: page.map((row) => row.user),
      next: rows.length > query.limit && last ? { createdAt: last.createdAt, id: last.user.id } : null,
    };
  }

  async update(id: number, changes: UserChanges, revocation?: SessionRevocation): Promise<User | null> {
    if (!revocation) return this.updateIn(this.db, id, changes);
    return this.db.transaction((tx) => this.updateIn(tx, id, changes, revocation));
  }

  async withActiveAdminsLocked<T>(work: (locked: LockedUsers) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      // One lock order (id) for every such transaction: two of them wait, never deadlock.
      const activeAdmins = await tx
        .select()
        .from(users)
        .where(and(eq(users.role, 'admin'), eq(users.isActive, true)))
        .orderBy(asc(users.id))
        .for('update');
      return work({
        activeAdmins,
        findById: async (id) => (await tx.select().from(users).where(eq(users.id, id)))[0] ?? null,
        update: (id, changes, revocation) => this.updateIn(tx, id, changes, revocation),
      });
    });
  }

  async revokedSince(after: Date): Promise<Array<{ userId: number; notBefore: Date }>> {
    const rows = await this.db
      .select({ userId: users.id, notBefore: users.tokensValidAfter })
      .from(users)
      .where(and(isNotNull(users.tokensValidAfter), gt(users.tokensValidAfter, after)))
      .orderBy(asc(users.tokensValidAfter));
    return rows.flatMap((row) => (row.notBefore ? [{ userId: row.userId, notBefore: row.notBefore }] : []));
  }

  /** The change, and with a revocation its three effects, all in `tx`. */
  private async updateIn(
    tx: Db,
    id: number,
    changes: UserChanges,
    revocation?: SessionRevocation,
  ): Promise<User | null> {
    const notBefore = revocation?.notBefore.toISOString();
    const [row] = await tx
      .update(users)
      .set({
        ...changes,
        updatedAt: sql`now()`,
        // Past the current value too: a token issued since the last revocation carries it as iat.
        ...(notBefore
          ? {
              tokensValidAfter: sql`greatest(${notBefore}::timestamptz, ${users.tokensValidAfter} + interval '1 second')`,
            }
          : {}),
      })
      .where(eq(users.id, id))
      .returning();
    if (!row || !revocation) return row ?? null;
    await new PgRefreshTokenStore(tx).revokeAllOfUser(id, revocation.at);
    await this.events.add(tx, EVENT_TYPES.userSessionsRevoked, userSessionsRevokedEvent(row, revocation));
    return row;
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
