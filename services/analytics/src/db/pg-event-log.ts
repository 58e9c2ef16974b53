import type { Db } from '@shop/platform';
import type { EventLog, IncomingEvent } from '../domain/ports.ts';
import { event } from './schema.ts';

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
}
