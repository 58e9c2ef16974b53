import { type Db, queryRows } from '@shop/platform';
import { sql } from 'drizzle-orm';
import type { EventLogReader, LoggedEvent } from '../domain/ports.ts';
import { event } from './schema.ts';

/** A number as the driver gives it: int8 and counts arrive as text (or bigint). */
type Count = string | number | bigint;

interface EventRow {
  sequence: Count;
  id: string;
  type: string;
  time: string | Date;
  data: unknown;
}

/**
 * Up to `limit` events past `after`, in sequence order, read inside transaction `tx` with
 * the log locked in SHARE mode: the lock waits for every transaction still inserting into
 * the log and holds new ones off until `tx` ends. Sequences are taken at insert but
 * committed in any order: without the lock, an event could commit later below a watermark
 * already past it, and never be counted.
 */
export async function lockedEventsPast(tx: Db, after: number, limit: number): Promise<LoggedEvent[]> {
  await tx.execute(sql`lock table ${event} in share mode`);
  return eventsPast(tx, after, limit);
}

async function eventsPast(tx: Db, after: number, limit: number): Promise<LoggedEvent[]> {
  const rows = await queryRows<EventRow>(
    tx,
    sql`select sequence, id, type, coalesce(time, received_at) as time, data
          from ${event}
         where sequence > ${after}
         order by sequence
         limit ${limit}`,
  );
  return rows.map((row) => ({
    sequence: Number(row.sequence),
    id: row.id,
    type: row.type,
    time: new Date(row.time),
    data: row.data,
  }));
}

async function idAt(db: Db, sequence: number): Promise<string | null> {
  const [row] = await queryRows<{ id: string }>(db, sql`select id from ${event} where sequence = ${sequence}`);
  return row?.id ?? null;
}

/** The event log in PostgreSQL (or PGlite), as an OLAP store in another database reads it. */
export class PgEventLogReader implements EventLogReader {
  constructor(private readonly db: Db) {}

  readPast<T>(
    limit: number,
    start: (held: Pick<EventLogReader, 'idAt'>) => Promise<number>,
    step: (events: LoggedEvent[], after: number) => Promise<T>,
  ): Promise<T> {
    // SHARE ROW EXCLUSIVE holds inserts off as SHARE does, and conflicts with itself: one
    // reader at a time, whichever process. The lock lasts until the step is over: the store
    // moves its watermark inside it, and the next reader reads that watermark.
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`lock table ${event} in share row exclusive mode`);
      const after = await start({ idAt: (sequence) => idAt(tx, sequence) });
      return step(await eventsPast(tx, after, limit), after);
    });
  }

  async count(watermark: number): Promise<{ events: number; past: number }> {
    const [row] = await queryRows<{ events: Count; past: Count }>(
      this.db,
      sql`select count(*) as events, count(*) filter (where sequence > ${watermark}) as past from ${event}`,
    );
    return { events: Number(row?.events ?? 0), past: Number(row?.past ?? 0) };
  }

  idAt(sequence: number): Promise<string | null> {
    return idAt(this.db, sequence);
  }
}
