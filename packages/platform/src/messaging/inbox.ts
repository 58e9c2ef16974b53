import { sql } from 'drizzle-orm';
import { type PgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Db } from '../db/database.ts';

/**
 * The inbox table every consuming service keeps in its own schema: one row per
 * (consumer, event id) it has handled.
 */
export function inboxTable(schema: PgSchema) {
  return schema.table(
    'inbox',
    {
      consumer: text('consumer').notNull(),
      eventId: uuid('event_id').notNull(),
      handledAt: timestamp('handled_at', { withTimezone: true }).notNull().defaultNow(),
    },
    (table) => [primaryKey({ columns: [table.consumer, table.eventId] })],
  );
}

export type InboxTable = ReturnType<typeof inboxTable>;

/**
 * Makes a consumer's effects exactly-once under at-least-once delivery: the effect and
 * the inbox row commit in one transaction, and an event id seen before is skipped.
 */
export class Inbox {
  constructor(
    private readonly db: Db,
    private readonly table: InboxTable,
  ) {}

  /** Runs `effect` in a transaction unless `consumer` handled `eventId` already; true when it ran. */
  async handleOnce(consumer: string, eventId: string, effect: (tx: Db) => Promise<void>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const claimed = await tx
        .insert(this.table)
        .values({ consumer, eventId })
        .onConflictDoNothing()
        .returning({ at: sql`1` });
      if (claimed.length === 0) return false;
      await effect(tx);
      return true;
    });
  }
}
