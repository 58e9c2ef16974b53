import { type Db, queryRows } from '@shop/platform';
import { sql } from 'drizzle-orm';
import type { EventLog, IncomingEvent } from '../domain/ports.ts';
import { event } from './schema.ts';

/** Events per statement of appendMany: one bound JSON parameter each, a few hundred kB at most. */
const BULK_ROWS = 2_000;

export class PgEventLog implements EventLog {
  constructor(private readonly db: Db) {}

  async append(incoming: IncomingEvent): Promise<boolean> {
    const rows = await this.db
      .insert(event)
      .values({
        id: incoming.id,
        type: incoming.type,
        source: incoming.source,
        time: incoming.time,
        data: incoming.data ?? null,
      })
      .onConflictDoNothing({ target: event.id })
      .returning({ sequence: event.sequence });
    return rows.length > 0;
  }

  /**
   * One multi-row insert per BULK_ROWS events, all in one transaction: every event is
   * logged, or none. An id kept already is passed over.
   */
  appendMany(events: readonly IncomingEvent[]): Promise<number> {
    return this.db.transaction(async (tx) => {
      let added = 0;
      for (let start = 0; start < events.length; start += BULK_ROWS) {
        const rows = events.slice(start, start + BULK_ROWS).map((incoming) => ({
          id: incoming.id,
          type: incoming.type,
          source: incoming.source,
          time: incoming.time?.toISOString() ?? null,
          data: incoming.data ?? null,
        }));
        const [result] = await queryRows<{ added: string | number }>(
          tx,
          sql`with added as (
                insert into ${event} (id, type, source, time, data)
                select id, type, source, time, data
                  from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
                    as x (id text, type text, source text, time timestamptz, data jsonb)
                on conflict (id) do nothing
                returning 1
              )
              select count(*) as added from added`,
        );
        added += Number(result?.added ?? 0);
      }
      return added;
    });
  }

  async holdsType(prefix: string): Promise<boolean> {
    const pattern = `${prefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    const rows = await queryRows<{ one: number }>(
      this.db,
      sql`select 1 as one from ${event} where type like ${pattern} limit 1`,
    );
    return rows.length > 0;
  }
}
