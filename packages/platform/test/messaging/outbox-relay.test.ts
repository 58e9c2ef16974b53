import { setTimeout as sleep } from 'node:timers/promises';
import { type SQL, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Database, type Leadership, openPostgres } from '../../src/db/database.ts';
import { InProcessBus } from '../../src/messaging/in-process-bus.ts';
import type { CloudEvent } from '../../src/messaging/outbox.ts';
import { OutboxRelay, type OutboxRelayOptions } from '../../src/messaging/outbox-relay.ts';
import { databaseTargets, freshPostgresDatabase, testServers } from '../../src/testing/index.ts';
import {
  addEvents,
  clearTables,
  countRows,
  migrationOptions,
  occurrences,
  outbox,
  outboxRows,
  RecordingBus,
  SERVICE,
  silentLogger,
  writer,
} from './outbox-fixture.ts';

const WAIT = { timeout: 5_000, interval: 10 };

/** A leadership that counts how often the relay asks for it: each ask is one relay pass. */
function counted(inner: Leadership): Leadership & { asks: number } {
  const counting = {
    asks: 0,
    acquire: () => {
      counting.asks += 1;
      return inner.acquire();
    },
    release: () => inner.release(),
  };
  return counting;
}

const idsOf = (events: readonly CloudEvent[]) => events.map((event) => event.id);

/** The rows a raw query returns (both drivers put them in `rows`). */
async function rowsOf<T>(database: Database, query: SQL): Promise<T[]> {
  return ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;
}

describe.each(databaseTargets())('OutboxRelay on $name', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let relays: OutboxRelay[] = [];

  beforeAll(async () => {
    ({ database, cleanup } = await target.open(migrationOptions));
  });
  afterAll(async () => {
    await cleanup?.();
  });
  beforeEach(async () => {
    await clearTables(database.db);
  });
  afterEach(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    relays = [];
  });

  function relayFor(bus: OutboxRelayOptions['bus'], options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
    const relay = new OutboxRelay({
      db: database.db,
      table: outbox,
      bus,
      leadership: database.leadership('outbox'),
      listen: database.listen,
      logger: silentLogger,
      pollMs: 20,
      maxBackoffMs: 100,
      ...options,
    });
    relays.push(relay);
    return relay;
  }

  /** A relay that only wakes on notifications (its poll is a minute away), started and past its first pass. */
  async function wakingRelay(
    bus: RecordingBus,
    leadership = counted(database.leadership('outbox')),
    options: Partial<OutboxRelayOptions> = {},
  ) {
    const relay = relayFor(bus, { leadership, pollMs: 60_000, ...options });
    await relay.start();
    // The first pass and the one start() adds once listening (after gathering), both on the
    // empty outbox, are over when no pass began for a while.
    let asks: number;
    do {
      asks = leadership.asks;
      await sleep((options.gatherMs ?? 10) + 100);
    } while (asks === 0 || leadership.asks !== asks);
    await relay.flush();
    return { relay, leadership, asksBefore: leadership.asks };
  }

  describe('flush', () => {
    it('when rows were written in several transactions, then flush publishes each once in id order, marks them published and returns the count', async () => {
      const events = await addEvents(database.db, 7);
      const bus = new RecordingBus();
      const relay = relayFor(bus, { batchSize: 3 });

      expect(await relay.flush()).toBe(7);

      expect(bus.published).toEqual(events);
      const rows = await outboxRows(database.db);
      expect(rows.map((row) => row.eventId)).toEqual(idsOf(events));
      expect(rows.every((row) => row.published)).toBe(true);
    });

    it('when flush runs again with nothing new, then it publishes nothing and returns 0', async () => {
      await addEvents(database.db, 3);
      const bus = new RecordingBus();
      const relay = relayFor(bus);
      expect(await relay.flush()).toBe(3);

      expect(await relay.flush()).toBe(0);
      expect(bus.attempts).toBe(3);
    });

    it('when the outbox is empty, then flush publishes nothing and returns 0', async () => {
      const bus = new RecordingBus();
      expect(await relayFor(bus).flush()).toBe(0);
      expect(bus.attempts).toBe(0);
    });

    it('when rows are added between flushes, then each flush publishes only the new rows, after the earlier ones', async () => {
      const bus = new RecordingBus();
      const relay = relayFor(bus);
      const first = await addEvents(database.db, 3);
      expect(await relay.flush()).toBe(3);
      const second = await addEvents(database.db, 2);
      expect(await relay.flush()).toBe(2);
      expect(bus.ids).toEqual(idsOf([...first, ...second]));
    });

    it('when flush is called twice at once, then both share one pass and each row is published once', async () => {
      const events = await addEvents(database.db, 4);
      const bus = new RecordingBus({ delayMs: 5 });
      const relay = relayFor(bus);
      expect(await Promise.all([relay.flush(), relay.flush()])).toEqual([4, 4]);
      expect(bus.ids).toEqual(idsOf(events));
    });

    it('when the relay publishes to the in-process bus, then a subscriber receives every event once, in id order, as written', async () => {
      const bus = new InProcessBus();
      const seen: CloudEvent[] = [];
      await bus.subscribe('relay-test', ['test.happened'], async (event) => {
        seen.push(event);
      });
      const events = await addEvents(database.db, 5);
      expect(await relayFor(bus).flush()).toBe(5);
      await vi.waitFor(() => expect(seen).toHaveLength(5), WAIT);
      await sleep(50);
      expect(seen).toEqual(events);
      await bus.close();
    });
  });

  describe('broker outage', () => {
    it('when the broker refuses every publish, then flush rejects and the rows wait unpublished; when it is back, then they flush in id order', async () => {
      const events = await addEvents(database.db, 4);
      const bus = new RecordingBus();
      const relay = relayFor(bus);
      bus.fail();

      await expect(relay.flush()).rejects.toThrow('broker unavailable');
      expect(bus.published).toEqual([]);
      expect(await countRows(database.db, false)).toBe(4);

      bus.heal();
      expect(await relay.flush()).toBe(4);
      expect(bus.ids).toEqual(idsOf(events));
      expect(await countRows(database.db, false)).toBe(0);
    });

    it('when the broker fails in the middle of a batch, then the rows it confirmed are marked and not sent again, and the rest follow in order', async () => {
      const events = await addEvents(database.db, 7);
      const bus = new RecordingBus();
      // Batches of 2: the first batch goes through, the second fails after its first row.
      const relay = relayFor(bus, { batchSize: 2 });
      bus.failAfter(3);

      await expect(relay.flush()).rejects.toThrow('broker unavailable');
      const rows = await outboxRows(database.db);
      expect(rows.map((row) => row.published)).toEqual([true, true, true, false, false, false, false]);
      expect(bus.ids).toEqual(idsOf(events.slice(0, 3)));

      bus.heal();
      expect(await relay.flush()).toBe(4);
      expect(bus.ids).toEqual(idsOf(events));
      expect([...occurrences(bus.ids).values()].every((n) => n === 1)).toBe(true);
      expect((await outboxRows(database.db)).every((row) => row.published)).toBe(true);
    });

    it('when the relay runs through an outage, then it keeps retrying and publishes everything in order once the broker is back', async () => {
      const bus = new RecordingBus();
      bus.fail();
      const relay = relayFor(bus, { pollMs: 10, maxBackoffMs: 40 });
      const events = await addEvents(database.db, 3);
      relay.start();

      await vi.waitFor(() => expect(bus.attempts).toBeGreaterThanOrEqual(4), WAIT);
      expect(bus.published).toEqual([]);
      expect(await countRows(database.db, false)).toBe(3);

      bus.heal();
      await vi.waitFor(async () => expect(await countRows(database.db, false)).toBe(0), WAIT);
      expect(bus.ids).toEqual(idsOf(events));
    });
  });

  describe('start and stop', () => {
    it('when the relay only polls, then rows inserted later are published at the next poll', async () => {
      const bus = new RecordingBus();
      const relay = relayFor(bus, { listen: undefined, pollMs: 100 });
      await relay.start();
      await sleep(50);
      const events = await addEvents(database.db, 3);

      await vi.waitFor(() => expect(bus.published).toHaveLength(3), WAIT);
      expect(bus.ids).toEqual(idsOf(events));
      await vi.waitFor(async () => expect(await countRows(database.db, false)).toBe(0), WAIT);
    });

    it('when the relay stops, then a last flush sends what was waiting', async () => {
      const bus = new RecordingBus();
      const leadership = counted(database.leadership('outbox'));
      const relay = relayFor(bus, { leadership, listen: undefined, pollMs: 60_000 });
      relay.start();
      await vi.waitFor(() => expect(leadership.asks).toBe(1), WAIT);
      expect(await relay.flush()).toBe(0); // the first pass, on the empty outbox, is over
      const events = await addEvents(database.db, 3);
      await sleep(50);
      expect(bus.published).toEqual([]);

      await relay.stop();
      expect(bus.ids).toEqual(idsOf(events));
      expect(await countRows(database.db, false)).toBe(0);
    });

    it('when stop is called while a pass is publishing, then it waits for it and nothing is left unsent or sent twice', async () => {
      const bus = new RecordingBus({ delayMs: 15 });
      const relay = relayFor(bus, { pollMs: 10 });
      const first = await addEvents(database.db, 5);
      relay.start();
      await vi.waitFor(() => expect(bus.attempts).toBeGreaterThanOrEqual(1), WAIT);
      const second = await addEvents(database.db, 2);

      await relay.stop();
      expect(bus.ids).toEqual(idsOf([...first, ...second]));
      expect(await countRows(database.db, false)).toBe(0);
    });

    it('when the relay has stopped, then it polls no more and later rows stay unpublished', async () => {
      const bus = new RecordingBus();
      const leadership = counted(database.leadership('outbox'));
      const relay = relayFor(bus, { leadership, pollMs: 10 });
      relay.start();
      await vi.waitFor(() => expect(leadership.asks).toBeGreaterThanOrEqual(3), WAIT);
      await relay.stop();
      const asks = leadership.asks;

      await addEvents(database.db, 2);
      await sleep(200);
      expect(leadership.asks).toBe(asks);
      expect(bus.attempts).toBe(0);
      expect(await countRows(database.db, false)).toBe(2);
    });
  });

  describe('wake-up on commit', () => {
    it('when a row is committed, then the relay publishes it at once, long before its next poll', async () => {
      const bus = new RecordingBus();
      await wakingRelay(bus);
      const events = await addEvents(database.db, 3);
      const added = performance.now();

      await vi.waitFor(() => expect(bus.published).toHaveLength(3), { timeout: 2_000, interval: 5 });
      expect(performance.now() - added).toBeLessThan(500);
      expect(bus.ids).toEqual(idsOf(events));
      await vi.waitFor(async () => expect(await countRows(database.db, false)).toBe(0), WAIT);
    });

    it('when the transaction that wrote a row rolls back, then no notification wakes the relay and nothing is published', async () => {
      const bus = new RecordingBus();
      const { leadership, asksBefore } = await wakingRelay(bus);

      await expect(
        database.db.transaction(async (tx) => {
          await writer.add(tx, 'test.happened', { i: 0 });
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      await sleep(300);

      expect(leadership.asks).toBe(asksBefore);
      expect(bus.attempts).toBe(0);
      expect(await outboxRows(database.db)).toEqual([]);
    });

    it('when rows are committed while a pass is publishing, then their notifications give one more pass, which sends them all', async () => {
      const bus = new RecordingBus({ delayMs: 150 });
      const { leadership, asksBefore } = await wakingRelay(bus);
      const first = await addEvents(database.db, 1);
      await vi.waitFor(() => expect(bus.attempts).toBe(1), WAIT);
      const more = await addEvents(database.db, 5);

      await vi.waitFor(async () => expect(await countRows(database.db, false)).toBe(0), WAIT);
      expect(bus.ids).toEqual(idsOf([...first, ...more]));
      // One pass for the first row, then one for the five (two if the last ones came after its read).
      const passes = leadership.asks - asksBefore;
      expect(passes).toBeGreaterThanOrEqual(2);
      expect(passes).toBeLessThanOrEqual(3);
    });

    it('when rows are committed within the gathering window after a notification, then one pass publishes them all', async () => {
      const bus = new RecordingBus();
      const { leadership, asksBefore } = await wakingRelay(bus, undefined, { gatherMs: 500 });
      const events = await addEvents(database.db, 3);

      await vi.waitFor(() => expect(bus.published).toHaveLength(3), WAIT);
      expect(bus.ids).toEqual(idsOf(events));
      expect(leadership.asks - asksBefore).toBe(1);
    });

    it('when the relay stands by (another replica leads), then notifications do not make it ask for the lead', async () => {
      const bus = new RecordingBus();
      const standby = counted({ acquire: async () => false, release: async () => {} });
      const relay = relayFor(bus, { leadership: standby, pollMs: 60_000 });
      await relay.start();
      await vi.waitFor(() => expect(standby.asks).toBe(1), WAIT);

      await addEvents(database.db, 3);
      await sleep(300);

      expect(standby.asks).toBe(1);
      expect(bus.attempts).toBe(0);
      expect(await countRows(database.db, false)).toBe(3);
    });
  });

  describe('the unpublished-rows index', () => {
    it('when the outbox holds many published rows, then the relay finds the unpublished ones through the partial index', async () => {
      const [index] = await rowsOf<{ indexdef: string }>(
        database,
        sql`select indexdef from pg_indexes where schemaname = ${SERVICE} and indexname = 'outbox_unpublished_idx'`,
      );
      expect(index?.indexdef).toMatch(/\(id\) WHERE \(published_at IS NULL\)$/);

      await database.db.execute(sql`
        insert into ${outbox} (event_id, type, event, published_at)
        select gen_random_uuid(), 'test.old', '{}'::jsonb, now() from generate_series(1, 20000)`);
      await addEvents(database.db, 3);
      await database.db.execute(sql`analyze ${outbox}`);

      // The relay's read (publishBatch), as the planner sees it.
      const plan = (
        await rowsOf<{ 'QUERY PLAN': string }>(
          database,
          sql`explain select id, event from ${outbox} where published_at is null order by id limit 100`,
        )
      )
        .map((row) => row['QUERY PLAN'])
        .join('\n');
      expect(plan).toContain('Index Scan using outbox_unpublished_idx');
    });
  });
});

describe.runIf(testServers().postgresUrl !== null)('OutboxRelay listening on PostgreSQL', () => {
  let database: Database;
  let drop: () => Promise<void>;
  let relay: OutboxRelay | undefined;

  beforeAll(async () => {
    const fresh = await freshPostgresDatabase();
    drop = fresh.drop;
    database = await openPostgres({ ...migrationOptions, url: fresh.url, poolSize: 3 });
  });
  afterAll(async () => {
    await relay?.stop();
    await database?.close();
    await drop?.();
  });

  it('when its listening connection is killed, then the relay connects again and the next committed row still wakes it', async () => {
    const bus = new RecordingBus();
    relay = new OutboxRelay({
      db: database.db,
      table: outbox,
      bus,
      leadership: database.leadership('outbox'),
      listen: database.listen,
      logger: silentLogger,
      pollMs: 60_000,
    });
    await relay.start();
    const listeners = sql`select pid from pg_stat_activity
      where datname = current_database() and application_name = 'listen:outbox_relaytest'`;
    const [before] = await rowsOf<{ pid: number }>(database, listeners);
    expect(before).toBeDefined();

    await database.db.execute(sql`select pg_terminate_backend(${before!.pid})`);
    await vi.waitFor(async () => {
      const [after] = await rowsOf<{ pid: number }>(database, listeners);
      expect(after?.pid).toBeDefined();
      expect(after?.pid).not.toBe(before!.pid);
    }, WAIT);
    const events = await addEvents(database.db, 2);
    const added = performance.now();

    await vi.waitFor(() => expect(bus.published).toHaveLength(2), WAIT);
    expect(performance.now() - added).toBeLessThan(500);
    expect(bus.ids).toEqual(idsOf(events));
  });
});

describe.runIf(testServers().postgresUrl !== null)('OutboxRelay with several replicas on PostgreSQL', () => {
  const log: { by: string; event: CloudEvent }[] = [];
  const replicas: { name: string; database: Database; relay: OutboxRelay }[] = [];
  const closed = new Set<Database>();
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const fresh = await freshPostgresDatabase();
    drop = fresh.drop;
    for (const name of ['a', 'b']) {
      const database = await openPostgres({ ...migrationOptions, url: fresh.url, poolSize: 5 });
      const relay = new OutboxRelay({
        db: database.db,
        table: outbox,
        bus: new RecordingBus({ log, name }),
        leadership: database.leadership('outbox'),
        logger: silentLogger,
        pollMs: 10,
        maxBackoffMs: 50,
        batchSize: 25,
      });
      replicas.push({ name, database, relay });
    }
  });
  afterAll(async () => {
    for (const { relay } of replicas) await relay.stop();
    for (const { database } of replicas) if (!closed.has(database)) await database.close();
    await drop?.();
  });

  /** Row ids of the logged events, in the order they were published. */
  async function publishedRowIds(database: Database): Promise<number[]> {
    const rowId = new Map((await outboxRows(database.db)).map((row) => [row.eventId, row.id]));
    return log.map(({ event }) => rowId.get(event.id) ?? Number.NaN);
  }

  function expectIncreasing(ids: number[]): void {
    const outOfOrder = ids.filter((id, i) => i > 0 && !(id > (ids[i - 1] ?? Number.NaN)));
    expect(outOfOrder).toEqual([]);
  }

  it('when two replicas run while 200 rows are inserted concurrently, then one leads and every event is published once, in id order', async () => {
    for (const { relay } of replicas) relay.start();
    const [a, b] = replicas;
    const added = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 === 0 ? a! : b!).database.db.transaction((tx) => writer.add(tx, 'test.replica', { i })),
      ),
    );

    await vi.waitFor(async () => expect(await countRows(a!.database.db, false)).toBe(0), WAIT);
    const counts = occurrences(log.map(({ event }) => event.id));
    expect(counts.size).toBe(200);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(counts.keys())).toEqual(new Set(added.map((event) => event.id)));
    expect(new Set(log.map(({ by }) => by)).size).toBe(1);
    expectIncreasing(await publishedRowIds(a!.database));
  });

  it("when the leader's database handle closes, then the other replica takes over and publishes the rest, once each and in order", async () => {
    const leaderName = log[0]?.by;
    const leader = replicas.find((replica) => replica.name === leaderName)!;
    const follower = replicas.find((replica) => replica.name !== leaderName)!;
    const before = log.length;

    await leader.database.close();
    closed.add(leader.database);
    const later = await addEvents(follower.database.db, 30, 'test.replica');

    await vi.waitFor(async () => expect(await countRows(follower.database.db, false)).toBe(0), WAIT);
    const after = log.slice(before);
    expect(after.map(({ event }) => event.id)).toEqual(idsOf(later));
    expect(new Set(after.map(({ by }) => by))).toEqual(new Set([follower.name]));
    const counts = occurrences(log.map(({ event }) => event.id));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expectIncreasing(await publishedRowIds(follower.database));
  });
});
