import { bigserial, index, integer, pgSchema, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** What the in-process bus keeps in the database lives in the `bus` schema. */
export const bus = pgSchema('bus');

/** Which event types each subscription's queue receives, as RabbitMQ keeps a durable queue's bindings. */
export const bindings = bus.table(
  'bindings',
  { queue: text('queue').notNull(), type: text('type').notNull() },
  (table) => [primaryKey({ columns: [table.queue, table.type] })],
);

/** One row per message waiting on a queue: published or enqueued, not yet handled. */
export const messages = bus.table(
  'messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    queue: text('queue').notNull(),
    /** The event or job as published, in JSON. */
    body: text('body').notNull(),
    /** The number of its next delivery. */
    attempt: integer('attempt').notNull().default(1),
    /** When that delivery is due: now, or after the backoff of a failed one. */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('messages_queue_idx').on(table.queue, table.id)],
);

/** Messages whose last delivery failed, kept for an operator. */
export const deadLetters = bus.table(
  'dead_letters',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    queue: text('queue').notNull(),
    body: text('body').notNull(),
    attempts: integer('attempts').notNull(),
    error: text('error').notNull(),
    deadAt: timestamp('dead_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('dead_letters_queue_idx').on(table.queue, table.id)],
);
