/**
 * What the outbox relay and inbox tests share: the `relaytest` schema (outbox, inbox and
 * an `effects` table a consumer writes to), a recording Bus double and row helpers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { asc, isNotNull, isNull, sql } from 'drizzle-orm';
import { pgSchema, serial, text, uuid } from 'drizzle-orm/pg-core';
import { pino } from 'pino';
import type { Db } from '../../src/db/database.ts';
import type { Bus, DeadLetter } from '../../src/messaging/bus.ts';
import { inboxTable } from '../../src/messaging/inbox.ts';
import { type CloudEvent, Outbox, outboxTable } from '../../src/messaging/outbox.ts';

export const SERVICE = 'relaytest';
export const migrationOptions = {
  service: SERVICE,
  migrationsFolder: fileURLToPath(new URL('../fixtures/messaging-migrations', import.meta.url)),
};

const schema = pgSchema(SERVICE);
export const outbox = outboxTable(schema);
export const inbox = inboxTable(schema);
export const effects = schema.table('effects', {
  id: serial('id').primaryKey(),
  consumer: text('consumer').notNull(),
  eventId: uuid('event_id').notNull(),
  note: text('note').notNull(),
});

export const silentLogger = pino({ level: 'silent' });
export const writer = new Outbox(outbox, `/${SERVICE}`);

export async function clearTables(db: Db): Promise<void> {
  await db.execute(sql`truncate "relaytest"."outbox", "relaytest"."inbox", "relaytest"."effects" restart identity`);
}

/** Adds `count` events, each in its own transaction, one after the other; returns them in id order. */
export async function addEvents(db: Db, count: number, type = 'test.happened'): Promise<CloudEvent[]> {
  const events: CloudEvent[] = [];
  for (let i = 0; i < count; i += 1) events.push(await db.transaction((tx) => writer.add(tx, type, { i })));
  return events;
}

/** Outbox rows by id: event id and whether the relay marked them sent. */
export async function outboxRows(db: Db): Promise<{ id: number; eventId: string; published: boolean }[]> {
  const rows = await db
    .select({ id: outbox.id, eventId: outbox.eventId, publishedAt: outbox.publishedAt })
    .from(outbox)
    .orderBy(asc(outbox.id));
  return rows.map((row) => ({ id: Number(row.id), eventId: row.eventId, published: row.publishedAt !== null }));
}

export async function countRows(db: Db, published: boolean): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(outbox)
    .where(published ? isNotNull(outbox.publishedAt) : isNull(outbox.publishedAt));
  return Number(row?.n);
}

/** How often each id occurs in `ids`. */
export function occurrences(ids: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/**
 * A Bus double for the relay's own logic: records every confirmed publish (into a log
 * that several buses may share), and can be told to refuse publishes, at once or after
 * a number of further successes, as a broker outage would.
 */
export class RecordingBus implements Bus {
  /** Events this bus confirmed, in order. */
  readonly published: CloudEvent[] = [];
  /** Publish calls, confirmed or not. */
  attempts = 0;
  private okLeft = Number.POSITIVE_INFINITY;

  constructor(
    private readonly options: {
      /** Shared by several buses: who confirmed what, in the order it happened. */
      log?: { by: string; event: CloudEvent }[];
      name?: string;
      delayMs?: number;
    } = {},
  ) {}

  /** Refuses every publish from now on. */
  fail(): void {
    this.okLeft = 0;
  }

  /** Confirms `count` more publishes, then refuses the rest. */
  failAfter(count: number): void {
    this.okLeft = count;
  }

  heal(): void {
    this.okLeft = Number.POSITIVE_INFINITY;
  }

  get ids(): string[] {
    return this.published.map((event) => event.id);
  }

  async publish(event: CloudEvent): Promise<void> {
    this.attempts += 1;
    if (this.options.delayMs) await sleep(this.options.delayMs);
    if (this.okLeft <= 0) throw new Error('broker unavailable');
    this.okLeft -= 1;
    this.published.push(structuredClone(event));
    this.options.log?.push({ by: this.options.name ?? 'bus', event });
  }

  async subscribe(): Promise<void> {
    throw new Error('RecordingBus only publishes');
  }

  async watch(): Promise<void> {
    throw new Error('RecordingBus only publishes');
  }

  async enqueue(): Promise<void> {
    throw new Error('RecordingBus only publishes');
  }

  async consume(): Promise<void> {
    throw new Error('RecordingBus only publishes');
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return [];
  }

  async close(): Promise<void> {}
}
