import { asc, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Leadership } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { Bus } from './bus.ts';
import type { CloudEvent, OutboxTable } from './outbox.ts';

export interface OutboxRelayOptions {
  db: Db;
  table: OutboxTable;
  bus: Bus;
  /** Only the leader publishes, so events leave in id order and never twice at once. */
  leadership: Leadership;
  logger: Logger;
  batchSize?: number;
  /** How often to look for new rows. */
  pollMs?: number;
  /** Longest wait between attempts while the broker is down. */
  maxBackoffMs?: number;
}

/**
 * Publishes a service's outbox rows to the bus, oldest first, and marks them sent.
 * No transaction stays open across a publish. While the broker is down, rows wait and
 * the relay retries with backoff; when it is back, they flush in order. With several
 * replicas, one leads (a session advisory lock) and the others stand by.
 *
 * A row is marked sent after the broker confirmed it; if the process dies in between,
 * the row is sent again at the next start: consumers' inboxes drop the duplicate.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private failures = 0;
  private stopped = false;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.pollMs = options.pollMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Publishes everything waiting now (one pass, batch after batch); returns how many. */
  flush(): Promise<number> {
    this.running ??= this.publishAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops polling after a last flush, so a clean shutdown leaves nothing unsent that could be sent. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => 0);
    await this.flush().catch((error: unknown) =>
      this.options.logger.warn({ err: error }, 'outbox flush at shutdown failed'),
    );
    await this.options.leadership.release();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(async () => {
      let next = this.pollMs;
      try {
        await this.flush();
        this.failures = 0;
      } catch (error) {
        this.failures += 1;
        next = Math.min(this.maxBackoffMs, this.pollMs * 2 ** this.failures);
        this.options.logger.warn({ err: error, retryInMs: next }, 'outbox relay could not publish; rows wait');
      }
      this.schedule(next);
    }, delayMs);
    this.timer.unref();
  }

  private async publishAll(): Promise<number> {
    const { leadership } = this.options;
    if (!(await leadership.acquire())) return 0;
    let total = 0;
    try {
      for (;;) {
        const sent = await this.publishBatch();
        total += sent;
        if (sent < this.batchSize) return total;
      }
    } catch (error) {
      // A leader that cannot publish (broker down, its database handle broken or closed)
      // steps down, so that a healthy replica can take over instead of waiting forever.
      await leadership.release().catch(() => {});
      throw error;
    }
  }

  private async publishBatch(): Promise<number> {
    const { db, table, bus } = this.options;
    // SHARE mode waits for every transaction still inserting into the outbox and holds new
    // ones off during the read: a row is never visible while one with a lower id is yet to
    // commit, so events leave in id order even with concurrent writers. (Writers add their
    // outbox row last in a transaction, so none waits on another lock while holding it.)
    const rows = await db.transaction(async (tx) => {
      await tx.execute(sql`lock table ${table} in share mode`);
      return tx
        .select({ id: table.id, event: table.event })
        .from(table)
        .where(isNull(table.publishedAt))
        .orderBy(asc(table.id))
        .limit(this.batchSize);
    });
    // Published in id order on one channel; the confirms are awaited together. Only the
    // confirmed prefix is marked: after a failure, the rest go again (in order) next time,
    // and consumers' inboxes drop what arrived twice.
    const results = await Promise.allSettled(rows.map((row) => bus.publish(row.event as CloudEvent)));
    const failedAt = results.findIndex((result) => result.status === 'rejected');
    const sent = rows.slice(0, failedAt === -1 ? rows.length : failedAt).map((row) => row.id);
    if (sent.length > 0) await db.update(table).set({ publishedAt: new Date() }).where(inArray(table.id, sent));
    const failure = results[failedAt];
    if (failure?.status === 'rejected') throw failure.reason;
    return sent.length;
  }
}
