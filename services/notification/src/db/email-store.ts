import { type Db, queryRows, writeBatch } from '@shop/platform';
import { and, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Email, EmailDraft } from '../domain/email.ts';
import type { EmailPosition, EmailQuery, EmailStore, RecordedEmail } from '../domain/ports.ts';
import { emails, inbox } from './schema.ts';

/** Every column of an e-mail, named as the Email type names them. */
const EMAIL_COLUMNS = sql.raw(
  `id, event_id as "eventId", kind, "to", subject, text, html, status, attempts, last_error as "lastError",
  sending_until as "sendingUntil", raw, created_at as "createdAt", updated_at as "updatedAt", sent_at as "sentAt"`,
);

type EmailRow = Omit<Email, 'sendingUntil' | 'createdAt' | 'updatedAt' | 'sentAt'> &
  Record<'sendingUntil' | 'createdAt' | 'updatedAt' | 'sentAt', string | Date | null>;

function fromRow(row: EmailRow): Email {
  const date = (value: string | Date | null) => (value === null ? null : new Date(value));
  return {
    ...row,
    sendingUntil: date(row.sendingUntil),
    createdAt: new Date(row.createdAt ?? 0),
    updatedAt: new Date(row.updatedAt ?? 0),
    sentAt: date(row.sentAt),
  };
}

/** The inbox consumer name: also the bus consumer the events arrive under. */
export const INBOX_CONSUMER = 'notification';

interface Recording {
  eventId: string;
  draft: EmailDraft;
  leaseMs: number;
}

interface SentMark {
  id: number;
  attempt: number;
  raw: string | null;
}

export class PgEmailStore implements EmailStore {
  constructor(private readonly db: Db) {}

  /** E-mails sent at about the same time are marked sent with one UPDATE. */
  private readonly markSentTogether = writeBatch(async (marks: readonly SentMark[]) => {
    const values = sql.join(
      marks.map((mark) => sql`(${mark.id}::integer, ${mark.attempt}::integer, ${mark.raw}::text)`),
      sql`, `,
    );
    await this.db.execute(sql`
      update ${emails}
         set status = 'sent', raw = sent.raw, sending_until = null, sent_at = now(), updated_at = now()
        from (values ${values}) as sent (id, attempts, raw)
       where ${emails.id} = sent.id and ${emails.status} = 'sending' and ${emails.attempts} = sent.attempts`);
    return marks.map(() => undefined);
  });

  /**
   * The inbox rows and the e-mails of the events recorded within 2 ms of each other, in one
   * statement (the inbox's exactly-once rule, as Inbox.handleOnce keeps it, without a
   * transaction's extra round trips): a new event gets its e-mail, saved as claimed by the
   * caller for its first send, so no claim has to follow; one seen before gets nothing
   * here, and recordOnce reads the e-mail it has.
   */
  private readonly recordTogether = writeBatch(async (recordings: readonly Recording[]) => {
    const fresh = [...new Map(recordings.map((recording) => [recording.eventId, recording])).values()];
    const values = sql.join(
      fresh.map(
        ({ eventId, draft, leaseMs }) =>
          sql`(${eventId}::uuid, ${draft.kind}::text, ${draft.to}::text, ${draft.subject}::text, ${draft.text}::text, ${draft.html}::text, ${leaseMs / 1000}::double precision)`,
      ),
      sql`, `,
    );
    // Only values are bound: the text is the same for each number of events, prepared once per number.
    const rows = await queryRows<EmailRow>(
      this.db,
      sql`
      with incoming (event_id, kind, "to", subject, text, html, lease_seconds) as (values ${values}),
      claimed as (
        insert into ${inbox} (consumer, event_id) select ${INBOX_CONSUMER}, event_id from incoming
        on conflict do nothing
        returning event_id
      )
      insert into ${emails} (event_id, kind, "to", subject, text, html, status, attempts, sending_until)
      select incoming.event_id, incoming.kind, incoming."to", incoming.subject, incoming.text, incoming.html,
        'sending', 1, now() + make_interval(secs => incoming.lease_seconds)
      from incoming join claimed on claimed.event_id = incoming.event_id
      on conflict (event_id) do nothing
      returning ${EMAIL_COLUMNS}`,
      `notification_record_${fresh.length}`,
    );
    const created = new Map(rows.map((row) => [row.eventId, fromRow(row)]));
    // The same event twice in one batch: the first caller created its e-mail, the other finds it.
    return recordings.map((recording) => {
      const email = created.get(recording.eventId);
      created.delete(recording.eventId);
      return email ?? null;
    });
  });

  async recordOnce(eventId: string, draft: EmailDraft, leaseMs: number): Promise<RecordedEmail | null> {
    const email = await this.recordTogether({ eventId, draft, leaseMs });
    if (email) return { email, created: true };
    // Handled before (or a moment ago by a concurrent delivery, whose row this statement's
    // snapshot could not see): read what it saved.
    const [row] = await this.db.select().from(emails).where(eq(emails.eventId, eventId));
    return row ? { email: row, created: false } : null;
  }

  async find(id: number): Promise<Email | null> {
    const [row] = await this.db.select().from(emails).where(eq(emails.id, id));
    return row ?? null;
  }

  async claim(id: number, leaseMs: number, restMs = 0): Promise<Email | null> {
    // A pending e-mail was last updated when its last send failed (attempts 0: never sent, or re-queued).
    const rested =
      restMs > 0
        ? or(eq(emails.attempts, 0), lt(emails.updatedAt, sql`now() - make_interval(secs => ${restMs / 1000})`))
        : undefined;
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
          or(
            and(eq(emails.status, 'pending'), rested),
            and(eq(emails.status, 'sending'), lt(emails.sendingUntil, sql`now()`)),
          ),
        ),
      )
      .returning();
    return row ?? null;
  }

  async markSent(id: number, attempt: number, raw: string | null): Promise<void> {
    await this.markSentTogether({ id, attempt, raw });
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

  /**
   * Newest first by creation time, then id. Ids alone would not do: an e-mail's time is its
   * transaction's start, and concurrent consumers commit out of that order.
   */
  async list(query: EmailQuery): Promise<{ items: Email[]; next: EmailPosition | null }> {
    const conditions: SQL[] = [];
    if (query.status === 'pending') conditions.push(inArray(emails.status, ['pending', 'sending']));
    else if (query.status) conditions.push(eq(emails.status, query.status));
    if (query.before) {
      const { createdAt, id } = query.before;
      conditions.push(sql`(${emails.createdAt}, ${emails.id}) < (cast(${createdAt} as timestamptz), ${id})`);
    }
    const rows = await this.db
      .select({ row: emails, createdAt: sql<string>`${emails.createdAt}::text` })
      .from(emails)
      .where(and(...conditions))
      .orderBy(desc(emails.createdAt), desc(emails.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((entry) => entry.row),
      next: rows.length > query.limit && last ? { createdAt: last.createdAt, id: last.row.id } : null,
    };
  }

  /** Still held by the claim that made attempt `attempt`: a lapsed claim taken over by another writes nothing. */
  private claimedBy(id: number, attempt: number): SQL | undefined {
    return and(eq(emails.id, id), eq(emails.status, 'sending'), eq(emails.attempts, attempt));
  }
}
