import { asc, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, Db, Leadership, Unlisten } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { runWithTrace } from '../trace.ts';
import type { Bus } from './bus.ts';
import { type CloudEvent, type OutboxTable, outboxChannel } from './outbox.ts';
import { publishing } from './traced-work.ts';

export interface OutboxRelayOptions {
  db: Db;
  table: OutboxTable;
  bus: Bus;
  /** Only the leader publishes, so events leave in id order and never twice at once. */
  leadership: Leadership;
  logger: Logger;
  /**
   * Listens for the notification `Outbox.add` sends at commit, so a row leaves at once
   * instead of at the next poll. Without it, the relay only polls.
   */
  listen?: Database['listen'];
  /**
   * After a notification, how long to wait for more before the pass: rows committed close
   * together then leave in one pass (one read, one update) rather than one pass each.
   */
  gatherMs?: number;
  batchSize?: number;
  /**
   * How often to look for new rows regardless of notifications: for one that was lost
   * (the listening connection dropped) and to take the lead when a leader goes away.
   */
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
 *
 * The leader wakes on the notification each committed row sends (`Outbox.add`), gathers
 * for a few milliseconds, and publishes; many while a pass runs give one more pass after it. It also polls, slowly, as the safety net.
 * A standby ignores notifications (it would only ask for the lead each time) and takes
 * over at a poll.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private gathering: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  /** A notification came while a pass was running: that pass may have missed its row. */
  private again = false;
  private leading = false;
  private failures = 0;
  private stopped = false;
  private listening: Promise<Unlisten | undefined> | undefined;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly gatherMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.pollMs = options.pollMs ?? 1_000;
    this.gatherMs = options.gatherMs ?? 25;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
  }

  /** Listens (when it can) and polls; resolves once listening, so a row committed after it wakes the relay. */
  async start(): Promise<void> {
    this.stopped = false;
    this.schedule(0);
    const { listen, table, logger } = this.options;
    if (!listen || this.listening) return;
    this.listening = listen(outboxChannel(table), () => this.wake()).catch((error: unknown) => {
      logger.warn({ err: error }, 'outbox relay cannot listen for new rows; it polls');
      return undefined;
    });
    // A row committed after the first pass read but before the LISTEN took effect sent its
    // notification to no one: one more pass, now that nothing committed later is missed.
    if (await this.listening) this.wake();
  }

  /** Publishes everything waiting now (one pass, batch after batch); returns how many. */
  flush(): Promise<number> {
    this.running ??= this.publishAll().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
    return this.running;
  }

  /** Stops polling after a last flush, so a clean shutdown leaves nothing unsent that could be sent. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.gathering);
    this.gathering = undefined;
    const listening = this.listening;
    this.listening = undefined;
    await (await listening)?.().catch(() => undefined);
    await this.running?.catch(() => 0);
    await this.flush().catch((error: unknown) =>
      this.options.logger.warn({ err: error }, 'outbox flush at shutdown failed'),
    );
    await this.options.leadership.release();
  }

  /** A row was committed. While the broker is down, the backoff decides when to try again. */
  private wake(): void {
    if (this.stopped || !this.leading || this.failures > 0) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.gathering) return;
    this.gathering = setTimeout(() => {
      this.gathering = undefined;
      void this.pass();
    }, this.gatherMs);
    this.gathering.unref();
  }

  /** One flush; false when it failed (logged; the next poll backs off). */
  private async pass(): Promise<boolean> {
    try {
      await this.flush();
      this.failures = 0;
      return true;
    } catch (error) {
      this.failures += 1;
      this.options.logger.warn({ err: error, failures: this.failures }, 'outbox relay could not publish; rows wait');
      return false;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(async () => {
      const ok = await this.pass();
      // The backoff starts from at most 200 ms, not from the (slow) poll: a broker back after
      // a short blip gets the waiting rows within a second.
      const retryMs = Math.min(this.pollMs, 200);
      this.schedule(ok ? this.pollMs : Math.min(this.maxBackoffMs, retryMs * 2 ** this.failures));
    }, delayMs);
    this.timer.unref();
  }

  private async publishAll(): Promise<number> {
    const { leadership } = this.options;
    this.leading = await leadership.acquire();
    if (!this.leading) return 0;
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
      this.leading = false;
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
    const results = await Promise.allSettled(
      rows.map((row) => {
        const event = row.event as CloudEvent;
        // In the trace of the change that wrote the row: the message carries it on to the consumers.
        return runWithTrace(event.traceparent, () => bus.publish(event), publishing(event));
      }),
    );
    const failedAt = results.findIndex((result) => result.status === 'rejected');
    const sent = rows.slice(0, failedAt === -1 ? rows.length : failedAt).map((row) => row.id);
    if (sent.length > 0) await db.update(table).set({ publishedAt: new Date() }).where(inArray(table.id, sent));
    const failure = results[failedAt];
    if (failure?.status === 'rejected') throw failure.reason;
    return sent.length;
  }
}
