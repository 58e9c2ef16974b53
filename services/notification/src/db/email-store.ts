import { type Db, Inbox } from '@shop/platform';
import { and, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Email, EmailDraft } from '../domain/email.ts';
import type { EmailQuery, EmailStore } from '../domain/ports.ts';
import { emails, inbox } from './schema.ts';

/** The inbox consumer name: also the bus consumer the events arrive under. */
export const INBOX_CONSUMER = 'notification';

export class PgEmailStore implements EmailStore {
  private readonly inbox: Inbox;

  constructor(private readonly db: Db) {
    this.inbox = new Inbox(db, inbox);
  }

  async recordOnce(eventId: string, draft: EmailDraft): Promise<Email | null> {
    await this.inbox.handleOnce(INBOX_CONSUMER, eventId, async (tx) => {
      await tx
        .insert(emails)
        .values({ eventId, ...draft })
        .onConflictDoNothing({ target: emails.eventId });
    });
    const [row] = await this.db.select().from(emails).where(eq(emails.eventId, eventId));
    return row ?? null;
  }

  async find(id: number): Promise<Email | null> {
    const [row] = await this.db.select().from(emails).where(eq(emails.id, id));
    return row ?? null;
  }

  async claim(id: number, leaseMs: number): Promise<Email | null> {
    const [row] = await this.db
      .update(emails)
      .set({
        status: 'sending',
        attempts: sql`${emails.attempts} + 1`,
        sendingUntil: sql`now() + make_interval(secs => ${leaseMs / 1000})`,
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(emails.id, id),
          or(eq(emails.status, 'pending'), and(eq(emails.status, 'sending'), lt(emails.sendingUntil, sql`now()`))),
        ),
      )
      .returning();
    return row ?? null;
  }

  async markSent(id: number, attempt: number, raw: string | null): Promise<void> {
    await this.db
      .update(emails)
      .set({ status: 'sent', raw, sendingUntil: null, sentAt: sql`now()`, updatedAt: sql`now()` })
      .where(this.claimedBy(id, attempt));
  }

  async markUnsent(id: number, attempt: number, status: 'pending' | 'failed', error: string): Promise<void> {
    await this.db
      .update(emails)
      .set({ status, lastError: error, sendingUntil: null, updatedAt: sql`now()` })
      .where(this.claimedBy(id, attempt));
  }

  async requeue(id: number): Promise<Email | null> {
    const [row] = await this.db
      .update(emails)
      .set({ status: 'pending', attempts: 0, sendingUntil: null, updatedAt: sql`now()` })
      .where(
        and(
          eq(emails.id, id),
          or(eq(emails.status, 'failed'), and(eq(emails.status, 'sending'), lt(emails.sendingUntil, sql`now()`))),
        ),
      )
      .returning();
    return row ?? null;
  }

  async list(query: EmailQuery): Promise<{ items: Email[]; next: number | null }> {
    const conditions: SQL[] = [];
    if (query.status === 'pending') conditions.push(inArray(emails.status, ['pending', 'sending']));
    else if (query.status) conditions.push(eq(emails.status, query.status));
    if (query.beforeId !== undefined) conditions.push(lt(emails.id, query.beforeId));
    const rows = await this.db
      .select()
      .from(emails)
      .where(and(...conditions))
      .orderBy(desc(emails.id))
      .limit(query.limit + 1);
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items, next: rows.length > query.limit && last ? last.id : null };
  }

  /** Still held by the claim that made attempt `attempt`: a lapsed claim taken over by another writes nothing. */
  private claimedBy(id: number, attempt: number): SQL | undefined {
    return and(eq(emails.id, id), eq(emails.status, 'sending'), eq(emails.attempts, attempt));
  }
}
