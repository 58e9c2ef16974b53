import { isNull, sql } from 'drizzle-orm';
import { Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/database.ts';
import type { OutboxTable } from './outbox.ts';

interface Backlog {
  rows: number;
  oldestAgeSeconds: number;
}

/**
 * The outbox's backlog as gauges read at scrape time: how many rows wait unpublished
 * (`outbox_unpublished_rows`) and how long the oldest has waited
 * (`outbox_oldest_unpublished_age_seconds`, 0 when none waits). A relay that is stuck
 * (broker down, no bus configured, a leader that hangs) shows as an age that keeps
 * growing, whichever replica is scraped. The age is the database's clock minus the row's,
 * so a replica's clock skew does not enter it. When the query fails both read NaN
 * (unknown) and the rest of the scrape still answers.
 */
export function registerOutboxMetrics(registry: Registry, db: Db, table: OutboxTable): void {
  // One query per scrape: both gauges are collected in the same turn and share it.
  let reading: Promise<Backlog> | undefined;
  const read = (): Promise<Backlog> => {
    reading ??= readBacklog(db, table).finally(() => {
      reading = undefined;
    });
    return reading;
  };
  new Gauge({
    name: 'outbox_unpublished_rows',
    help: 'Outbox rows not yet published to the bus',
    registers: [registry],
    async collect() {
      this.set((await read()).rows);
    },
  });
  new Gauge({
    name: 'outbox_oldest_unpublished_age_seconds',
    help: 'Seconds the oldest unpublished outbox row has waited; 0 when none waits',
    registers: [registry],
    async collect() {
      this.set((await read()).oldestAgeSeconds);
    },
  });
}

async function readBacklog(db: Db, table: OutboxTable): Promise<Backlog> {
  try {
    const [row] = await db
      .select({
        rows: sql<number>`count(*)::int`,
        oldestAgeSeconds: sql<number>`coalesce(extract(epoch from now() - min(${table.createdAt})), 0)::float8`,
      })
      .from(table)
      .where(isNull(table.publishedAt));
    return { rows: Number(row?.rows ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.oldestAgeSeconds ?? 0)) };
  } catch {
    return { rows: Number.NaN, oldestAgeSeconds: Number.NaN };
  }
}
