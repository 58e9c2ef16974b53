import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { bigserial, getTableConfig, index, jsonb, type PgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Db } from '../db/database.ts';
import { currentTraceparent } from '../trace.ts';

/** A CloudEvents 1.0 event in its JSON format. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: 'application/json';
  data: T;
  /** W3C trace context of the change that produced the event, when there was one. */
  traceparent?: string;
}

/**
 * The outbox table every publishing service keeps in its own schema. Rows are written in
 * the same transaction as the change they announce; a relay publishes them in `id` order.
 */
export function outboxTable(schema: PgSchema) {
  return schema.table(
    'outbox',
    {
      id: bigserial('id', { mode: 'number' }).primaryKey(),
      eventId: uuid('event_id').notNull().unique(),
      type: text('type').notNull(),
      event: jsonb('event').$type<CloudEvent>().notNull(),
      createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
      publishedAt: timestamp('published_at', { withTimezone: true }),
    },
    // Published rows stay forever: without this index, the relay's look for unpublished
    // rows would walk the whole history of the shop at every pass.
    (table) => [index('outbox_unpublished_idx').on(table.id).where(sql`${table.publishedAt} is null`)],
  );
}

export type OutboxTable = ReturnType<typeof outboxTable>;

/** The NOTIFY channel that wakes a schema's outbox relay: `outbox_<schema>`. */
export function outboxChannel(table: OutboxTable): string {
  return `outbox_${getTableConfig(table).schema ?? 'public'}`;
}

export function cloudEvent<T>(source: string, type: string, data: T, traceparent?: string): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source,
    type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
    ...(traceparent ? { traceparent } : {}),
  };
}

/**
 * Writes events to a service's outbox inside the caller's transaction, and notifies the
 * outbox's channel: PostgreSQL delivers the notification when (and only if) the
 * transaction commits, so the relay wakes as soon as the row is visible.
 *
 * `M` maps each event type the service may write to its `data` (the services use
 * `EventPayloads` from `@shop/contracts`), so an unknown type, or data missing or
 * mistyping a field, does not compile.
 */
export class Outbox<M extends object = Record<string, unknown>> {
  /** The channel `add` notifies; a statement writing its own row notifies it too (pg_notify). */
  readonly channel: string;

  constructor(
    private readonly table: OutboxTable,
    /** CloudEvents `source`, `/<service>`. */
    private readonly source: string,
  ) {
    this.channel = outboxChannel(table);
  }

  async add<K extends keyof M & string>(tx: Db, type: K, data: M[K]): Promise<CloudEvent<M[K]>> {
    const event = this.event(type, data);
    await tx.insert(this.table).values({ eventId: event.id, type, event });
    // Several in one transaction fold into one notification (same channel and payload).
    await tx.execute(sql`select pg_notify(${this.channel}, '')`);
    return event;
  }

  /**
   * The event `add` would write, for a hot path whose one hand-written statement inserts
   * the row with the change it announces (and calls pg_notify on `channel`).
   */
  event<K extends keyof M & string>(type: K, data: M[K]): CloudEvent<M[K]> {
    return cloudEvent(this.source, type, data, currentTraceparent());
  }
}
