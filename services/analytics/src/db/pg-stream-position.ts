import { type Db, queryRows } from '@shop/platform';
import { sql } from 'drizzle-orm';
import type { StreamPosition } from '../events/stream-feed.ts';
import { etlState } from './schema.ts';

/** The row of etl_state that holds the stream offset to read next (its `watermark` column). */
const STREAM = 'stream';

/** Where the event log stopped reading the RabbitMQ stream, kept beside the ETL's watermark. */
export class PgStreamPosition implements StreamPosition {
  constructor(private readonly db: Db) {}

  async next(): Promise<number | null> {
    const [row] = await queryRows<{ watermark: string | number }>(
      this.db,
      sql`select watermark from ${etlState} where name = ${STREAM}`,
    );
    return row ? Number(row.watermark) : null;
  }

  async save(next: number): Promise<void> {
    // Never backwards: a slow save of an older offset does not undo a newer one.
    await this.db.execute(
      sql`insert into ${etlState} (name, watermark, ran_at) values (${STREAM}, ${next}, now())
          on conflict (name) do update
            set watermark = greatest(${etlState}.watermark, excluded.watermark), ran_at = now()`,
    );
  }
}
