import { fileURLToPath } from 'node:url';
import { eq, type SQL, sql } from 'drizzle-orm';
import { pgSchema, serial, text } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openPglite, openPostgres, preparedStatement } from '../src/db/database.ts';
import { cloudEvent, Outbox, outboxTable } from '../src/messaging/outbox.ts';
import { databaseTargets, freshPglite, freshPostgresDatabase, testServers } from '../src/testing/index.ts';

const SERVICE = 'platformtest';
const migrationsFolder = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));
const options = { service: SERVICE, migrationsFolder };

const schema = pgSchema(SERVICE);
const widgets = schema.table('widgets', { id: serial('id').primaryKey(), name: text('name').notNull() });
const outbox = outboxTable(schema);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function rows<T>(database: Database, query: SQL): Promise<T[]> {
  const result = (await database.db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

async function count(database: Database, query: SQL): Promise<number> {
  const [row] = await rows<{ n: number | string }>(database, query);
  return Number(row?.n);
}

/** Opens the same fresh database twice through the target's own entry point. */
async function openTwice(target: 'pglite' | 'postgres') {
  if (target === 'pglite') {
    const client = await freshPglite();
    const first = await openPglite({ ...options, client });
    const second = await openPglite({ ...options, client });
    return { first, second, cleanup: () => client.close() };
  }
  const { url, drop } = await freshPostgresDatabase();
  const first = await openPostgres({ ...options, url, poolSize: 2 });
  const second = await openPostgres({ ...options, url, poolSize: 2 });
  return {
    first,
    second,
    cleanup: async () => {
      await first.close();
      await second.close();
      await drop();
    },
  };
}

describe.each(databaseTargets())('database on $name', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await target.open(options));
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it('when the database is opened, then its kind names the target', () => {
    expect(database.kind).toBe(target.name);
  });

  it('when migrations run, then the tables land in the service schema and not in public', async () => {
    const tables = await rows<{ table_schema: string; table_name: string }>(
      database,
      sql`select table_schema, table_name from information_schema.tables
          where table_name in ('widgets', 'outbox', '__migrations') order by table_name`,
    );
    expect(tables).toEqual([
      { table_schema: SERVICE, table_name: '__migrations' },
      { table_schema: SERVICE, table_name: 'outbox' },
      { table_schema: SERVICE, table_name: 'widgets' },
    ]);
  });

  it('when migrations run, then the seeded row is there and the journal records one migration', async () => {
    expect(await database.db.select({ name: widgets.name }).from(widgets)).toEqual([{ name: 'seeded' }]);
    expect(await count(database, sql`select count(*) as n from "platformtest"."__migrations"`)).toBe(1);
  });

  it('when ping is called, then it resolves', async () => {
    await expect(database.ping()).resolves.toBeUndefined();
  });

  it('when the outbox writer adds an event in a transaction, then a CloudEvents 1.0 row is stored', async () => {
    const writer = new Outbox(outbox, `/${SERVICE}`);
    const event = await database.db.transaction(async (tx) => {
      await tx.insert(widgets).values({ name: 'gear' });
      return writer.add(tx, 'widget.created', { name: 'gear', price_cents: 250 });
    });
    expect(event).toMatchObject({
      specversion: '1.0',
      source: '/platformtest',
      type: 'widget.created',
      datacontenttype: 'application/json',
      data: { name: 'gear', price_cents: 250 },
    });
    expect(event.id).toMatch(UUID);
    expect(new Date(event.time).toISOString()).toBe(event.time);

    const stored = await database.db.select().from(outbox).where(eq(outbox.eventId, event.id));
    expect(stored).toHaveLength(1);
    const [row] = stored;
    expect(row?.type).toBe('widget.created');
    expect(row?.event).toEqual(event);
    expect(row?.publishedAt).toBeNull();
    expect(row?.createdAt).toBeInstanceOf(Date);
  });

  it('when the outbox is typed by a payload map, then it writes what the map allows, and nothing else compiles', async () => {
    const writer = new Outbox<{ 'widget.created': { name: string; price_cents: number } }>(outbox, `/${SERVICE}`);
    const event = await database.db.transaction(async (tx) => {
      const added = await writer.add(tx, 'widget.created', { name: 'cog', price_cents: 90 });
      const rejected = async () => {
        // @ts-expect-error a type the map does not hold
        await writer.add(tx, 'widget.sold', { name: 'cog', price_cents: 90 });
        // @ts-expect-error a field missing
        await writer.add(tx, 'widget.created', { name: 'cog' });
        // @ts-expect-error a field of the wrong type
        await writer.add(tx, 'widget.created', { name: 'cog', price_cents: '90' });
      };
      expect(rejected).toBeTypeOf('function');
      return added;
    });
    const data: { name: string; price_cents: number } = event.data;
    expect(data).toEqual({ name: 'cog', price_cents: 90 });
    const [row] = await database.db.select().from(outbox).where(eq(outbox.eventId, event.id));
    expect(row?.event).toEqual(event);
  });

  it('when events are added one after another, then their ids grow in order', async () => {
    const writer = new Outbox(outbox, `/${SERVICE}`);
    const first = await database.db.transaction((tx) => writer.add(tx, 'widget.a', { n: 1 }));
    const second = await database.db.transaction((tx) => writer.add(tx, 'widget.b', { n: 2 }));
    const [a] = await database.db.select().from(outbox).where(eq(outbox.eventId, first.id));
    const [b] = await database.db.select().from(outbox).where(eq(outbox.eventId, second.id));
    expect(Number(b?.id)).toBeGreaterThan(Number(a?.id));
  });

  it('when the transaction rolls back, then neither the change nor its outbox row remains', async () => {
    const writer = new Outbox(outbox, `/${SERVICE}`);
    let added: { id: string } | undefined;
    await expect(
      database.db.transaction(async (tx) => {
        await tx.insert(widgets).values({ name: 'doomed' });
        added = await writer.add(tx, 'widget.created', { name: 'doomed' });
        throw new Error('business rule failed after the write');
      }),
    ).rejects.toThrow('business rule failed');
    expect(added?.id).toMatch(UUID);
    expect(
      await database.db
        .select()
        .from(outbox)
        .where(eq(outbox.eventId, added?.id ?? '')),
    ).toEqual([]);
    expect(await database.db.select().from(widgets).where(eq(widgets.name, 'doomed'))).toEqual([]);
  });

  it('when a prepared statement runs with different values, then each run binds its own, in and out of a transaction', async () => {
    const insertWidget = preparedStatement<{ name: string; suffix: string }, { id: number; name: string }>(
      'platformtest_insert_widget',
      sql`insert into ${widgets} (name) values (${sql.placeholder('name')}::text || ${sql.placeholder('suffix')}::text) returning id, name`,
    );
    const [first] = await insertWidget(database.db, { name: 'bolt', suffix: '-1' });
    const [second] = await insertWidget(database.db, { name: 'nut', suffix: '-2' });
    expect(first?.name).toBe('bolt-1');
    expect(second?.name).toBe('nut-2');
    expect(Number(second?.id)).toBeGreaterThan(Number(first?.id));
    await expect(
      database.db.transaction(async (tx) => {
        await insertWidget(tx, { name: 'washer', suffix: '-3' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const names = await database.db.select({ name: widgets.name }).from(widgets);
    expect(names.map((row) => row.name)).toEqual(expect.arrayContaining(['bolt-1', 'nut-2']));
    expect(names.map((row) => row.name)).not.toContain('washer-3');
  });

  it('when the database is opened twice, then the migration is applied once', async () => {
    const { first, second, cleanup: cleanupTwice } = await openTwice(target.name);
    try {
      expect(await count(second, sql`select count(*) as n from "platformtest"."__migrations"`)).toBe(1);
      expect(await count(second, sql`select count(*) as n from "platformtest"."widgets"`)).toBe(1);
      await first.db.insert(widgets).values({ name: 'kept' });
      expect(await second.db.select().from(widgets).where(eq(widgets.name, 'kept'))).toHaveLength(1);
    } finally {
      await cleanupTwice();
    }
  });
});

describe.runIf(testServers().postgresUrl !== null)('openPostgres', () => {
  it('when several openPostgres run in parallel on one URL, then all succeed and migrate once (advisory lock)', async () => {
    const { url, drop } = await freshPostgresDatabase();
    const opened: Database[] = [];
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => openPostgres({ ...options, url, poolSize: 1 })),
      );
      for (const result of results) if (result.status === 'fulfilled') opened.push(result.value);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      const [one] = opened;
      expect(await count(one!, sql`select count(*) as n from "platformtest"."__migrations"`)).toBe(1);
      expect(await count(one!, sql`select count(*) as n from "platformtest"."widgets"`)).toBe(1);
      for (const each of opened) await expect(each.ping()).resolves.toBeUndefined();
    } finally {
      await Promise.all(opened.map((each) => each.close()));
      await drop();
    }
  });

  it('when the pool is closed, then ping rejects', async () => {
    const { url, drop } = await freshPostgresDatabase();
    try {
      const closed = await openPostgres({ ...options, url, poolSize: 1 });
      await closed.close();
      await expect(closed.ping()).rejects.toThrow();
    } finally {
      await drop();
    }
  });
});

describe('cloudEvent', () => {
  it('when a traceparent is given, then the event carries it; without one, the field is absent', () => {
    const traced = cloudEvent(
      '/order',
      'order.placed',
      { id: 1 },
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    );
    expect(traced.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    const plain = cloudEvent('/order', 'order.placed', { id: 1 });
    expect(plain).not.toHaveProperty('traceparent');
    expect(plain.id).not.toBe(traced.id);
  });
});
