import { fileURLToPath } from 'node:url';
import { asc, eq } from 'drizzle-orm';
import type { Database, Leadership, MigrationOptions } from '../db/database.ts';
import type { DeadLetter } from './bus.ts';
import type { MessageStore, StoredMessage } from './message-store.ts';
import { bindings, deadLetters, messages } from './message-store-schema.ts';

/** Open the bus's database with these (openPglite, openPostgres): its `bus` schema and migrations. */
export const MESSAGE_STORE_MIGRATIONS: MigrationOptions = {
  service: 'bus',
  migrationsFolder: fileURLToPath(new URL('./migrations', import.meta.url)),
};

/**
 * The in-process bus's store in the `bus` schema of a PGlite or PostgreSQL database
 * opened with MESSAGE_STORE_MIGRATIONS. Every change is one statement or one short
 * transaction: none stays open while a handler runs, which matters on PGlite, one
 * connection for every service of the process.
 *
 * A store serves one bus at a time: open() takes a leadership on the database (always
 * granted on PGlite, which one process owns) and refuses while another bus holds it.
 */
export class PgMessageStore implements MessageStore {
  static async open(database: Database): Promise<PgMessageStore> {
    const leadership = database.leadership('messages');
    if (!(await leadership.acquire())) {
      throw new Error('Another process is using the bus in this database: one in-process bus per database.');
    }
    return new PgMessageStore(database, leadership);
  }

  private constructor(
    private readonly database: Database,
    private readonly leadership: Leadership,
  ) {}

  async load(): Promise<{ bindings: Array<{ queue: string; type: string }>; messages: StoredMessage[] }> {
    const { db } = this.database;
    const bound = await db.select({ queue: bindings.queue, type: bindings.type }).from(bindings);
    const waiting = await db
      .select({
        id: messages.id,
        queue: messages.queue,
        body: messages.body,
        attempt: messages.attempt,
        dueAt: messages.dueAt,
      })
      .from(messages)
      .orderBy(asc(messages.id));
    return {
      bindings: bound,
      messages: waiting.map((row) => ({ ...row, id: Number(row.id), dueAt: row.dueAt.getTime() })),
    };
  }

  async bind(queue: string, types: readonly string[]): Promise<void> {
    if (types.length === 0) return;
    await this.database.db
      .insert(bindings)
      .values(types.map((type) => ({ queue, type })))
      .onConflictDoNothing();
  }

  async add(queues: readonly string[], body: string): Promise<number[]> {
    if (queues.length === 0) return [];
    const rows = await this.database.db
      .insert(messages)
      .values(queues.map((queue) => ({ queue, body })))
      .returning({ id: messages.id, queue: messages.queue });
    const ids = new Map(rows.map((row) => [row.queue, Number(row.id)]));
    return queues.map((queue) => ids.get(queue) as number);
  }

  async remove(id: number): Promise<void> {
    await this.database.db.delete(messages).where(eq(messages.id, id));
  }

  async retry(id: number, attempt: number, dueAt: number): Promise<void> {
    await this.database.db
      .update(messages)
      .set({ attempt, dueAt: new Date(dueAt) })
      .where(eq(messages.id, id));
  }

  async bury(id: number, death: { attempts: number; error: string; at: string }): Promise<void> {
    await this.database.db.transaction(async (tx) => {
      const [message] = await tx
        .delete(messages)
        .where(eq(messages.id, id))
        .returning({ queue: messages.queue, body: messages.body });
      if (!message) return;
      await tx.insert(deadLetters).values({
        queue: message.queue,
        body: message.body,
        attempts: death.attempts,
        error: death.error,
        deadAt: new Date(death.at),
      });
    });
  }

  async deadLetters(queue: string, limit: number): Promise<DeadLetter[]> {
    const rows = await this.database.db
      .select()
      .from(deadLetters)
      .where(eq(deadLetters.queue, queue))
      .orderBy(asc(deadLetters.id))
      .limit(limit);
    return rows.map((row) => ({
      queue: row.queue,
      message: JSON.parse(row.body) as DeadLetter['message'],
      attempts: row.attempts,
      error: row.error,
      at: row.deadAt.toISOString(),
    }));
  }

  async close(): Promise<void> {
    await this.leadership.release();
  }
}
