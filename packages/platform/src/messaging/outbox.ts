import { randomUUID } from 'node:crypto';
import { bigserial, jsonb, type PgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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
  return schema.table('outbox', {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: uuid('event_id').notNull().unique(),
    type: text('type').notNull(),
    event: jsonb('event').$type<CloudEvent>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  });
}

export type OutboxTable = ReturnType<typeof outboxTable>;

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

/** Writes events to a service's outbox inside the caller's transaction. */
export class Outbox {
  constructor(
    private readonly table: OutboxTable,
    /** CloudEvents `source`, `/<service>`. */
    private readonly source: string,
  ) {}

  async add<T>(tx: Db, type: string, data: T): Promise<CloudEvent<T>> {
    const event = cloudEvent(this.source, type, data, currentTraceparent());
    await tx.insert(this.table).values({ eventId: event.id, type, event });
    return event;
  }
}
