import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database, Db } from '../../src/db/database.ts';
import { Inbox } from '../../src/messaging/inbox.ts';
import { databaseTargets } from '../../src/testing/index.ts';
import { clearTables, effects, inbox, migrationOptions } from './outbox-fixture.ts';

describe.each(databaseTargets())('Inbox on $name', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let handled: Inbox;

  beforeAll(async () => {
    ({ database, cleanup } = await target.open(migrationOptions));
    handled = new Inbox(database.db, inbox);
  });
  afterAll(async () => {
    await cleanup?.();
  });
  beforeEach(async () => {
    await clearTables(database.db);
  });

  /** The effect a consumer makes: one row in `effects`, written in the inbox's transaction. */
  const record =
    (consumer: string, eventId: string, note = 'done') =>
    async (tx: Db) => {
      await tx.insert(effects).values({ consumer, eventId, note });
    };

  async function effectsOf(consumer: string, eventId: string): Promise<string[]> {
    const rows = await database.db
      .select({ note: effects.note })
      .from(effects)
      .where(and(eq(effects.consumer, consumer), eq(effects.eventId, eventId)))
      .orderBy(effects.id);
    return rows.map((row) => row.note);
  }

  async function inboxRows(eventId: string): Promise<string[]> {
    const rows = await database.db
      .select({ consumer: inbox.consumer })
      .from(inbox)
      .where(eq(inbox.eventId, eventId))
      .orderBy(inbox.consumer);
    return rows.map((row) => row.consumer);
  }

  it('when an event is handled, then the effect runs once, commits with its inbox row, and handleOnce returns true', async () => {
    const eventId = randomUUID();
    expect(await handled.handleOnce('mailer', eventId, record('mailer', eventId))).toBe(true);
    expect(await effectsOf('mailer', eventId)).toEqual(['done']);
    expect(await inboxRows(eventId)).toEqual(['mailer']);
  });

  it('when the same event is delivered again to the same consumer, then the effect does not run and handleOnce returns false', async () => {
    const eventId = randomUUID();
    let runs = 0;
    const effect = async (tx: Db) => {
      runs += 1;
      await record('mailer', eventId, `run ${runs}`)(tx);
    };
    expect(await handled.handleOnce('mailer', eventId, effect)).toBe(true);
    expect(await handled.handleOnce('mailer', eventId, effect)).toBe(false);
    expect(await handled.handleOnce('mailer', eventId, effect)).toBe(false);
    expect(runs).toBe(1);
    expect(await effectsOf('mailer', eventId)).toEqual(['run 1']);
  });

  it('when two consumers handle the same event id, then each runs its effect once', async () => {
    const eventId = randomUUID();
    expect(await handled.handleOnce('mailer', eventId, record('mailer', eventId))).toBe(true);
    expect(await handled.handleOnce('analytics', eventId, record('analytics', eventId))).toBe(true);
    expect(await handled.handleOnce('mailer', eventId, record('mailer', eventId))).toBe(false);
    expect(await handled.handleOnce('analytics', eventId, record('analytics', eventId))).toBe(false);
    expect(await effectsOf('mailer', eventId)).toEqual(['done']);
    expect(await effectsOf('analytics', eventId)).toEqual(['done']);
    expect(await inboxRows(eventId)).toEqual(['analytics', 'mailer']);
  });

  it('when the effect throws, then its writes and the inbox row roll back, and a redelivery runs it again', async () => {
    const eventId = randomUUID();
    await expect(
      handled.handleOnce('mailer', eventId, async (tx) => {
        await record('mailer', eventId, 'half done')(tx);
        throw new Error('smtp down');
      }),
    ).rejects.toThrow('smtp down');
    expect(await effectsOf('mailer', eventId)).toEqual([]);
    expect(await inboxRows(eventId)).toEqual([]);

    expect(await handled.handleOnce('mailer', eventId, record('mailer', eventId, 'redelivered'))).toBe(true);
    expect(await effectsOf('mailer', eventId)).toEqual(['redelivered']);
    expect(await inboxRows(eventId)).toEqual(['mailer']);
  });

  it('when the same event is handled by several deliveries at once, then exactly one runs its effect', async () => {
    const eventId = randomUUID();
    let runs = 0;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        handled.handleOnce('mailer', eventId, async (tx) => {
          runs += 1;
          await sleep(30); // keep the transaction open while the others arrive
          await record('mailer', eventId, `delivery ${i}`)(tx);
        }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(runs).toBe(1);
    expect(await effectsOf('mailer', eventId)).toHaveLength(1);
    expect(await inboxRows(eventId)).toEqual(['mailer']);
  });

  it('when a delivery whose effect fails overlaps another of the same event, then the other one runs the effect', async () => {
    const eventId = randomUUID();
    let claimed: () => void = () => {};
    const inEffect = new Promise<void>((resolve) => {
      claimed = resolve;
    });
    const failing = handled.handleOnce('mailer', eventId, async (tx) => {
      claimed(); // the inbox row is written, not yet committed
      await record('mailer', eventId, 'failed')(tx);
      await sleep(50);
      throw new Error('handler crashed');
    });
    await inEffect;
    const retry = handled.handleOnce('mailer', eventId, record('mailer', eventId, 'retried'));
    await expect(failing).rejects.toThrow('handler crashed');
    expect(await retry).toBe(true);
    expect(await effectsOf('mailer', eventId)).toEqual(['retried']);
  });
});
