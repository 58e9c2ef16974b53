import { randomUUID } from 'node:crypto';
import { openPostgres, queryRows, RabbitMqBus, RabbitMqEventStream } from '@shop/platform';
import { freshPostgresDatabase, testServers } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MIGRATIONS_FOLDER } from '../src/app.ts';
import { type RunningAnalytics, startAnalytics } from '../src/main.ts';
import { orderPlaced } from './helpers.ts';

const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const amqpReachable = await RabbitMqBus.open({ url: AMQP_URL, connectTimeoutMs: 2_000 }).then(
  async (bus) => {
    await bus.close();
    return true;
  },
  () => false,
);
const ready = amqpReachable && testServers().postgresUrl !== null;
if (!ready && process.env.CI === 'true') {
  throw new Error('CI=true but RabbitMQ or PostgreSQL is not reachable for the event stream tests');
}

const WAIT = { timeout: 15_000, interval: 50 };

/** An order.placed of its own: a fresh event id, so what other tests publish on the broker meanwhile cannot be mistaken for it. */
function ownOrder(orderId: number) {
  return {
    ...orderPlaced({ order_id: orderId, lines: [{ product_id: 1, quantity: 1, unit_price_cents: 500 }] }),
    id: randomUUID(),
  };
}

describe.runIf(ready)('the event log in server mode reads the RabbitMQ stream', () => {
  const databases: Array<{ url: string; drop(): Promise<void> }> = [];
  let publisher: RabbitMqBus;
  let watcher: RabbitMqEventStream;
  /** Offsets in the stream of the events this file published, by event id. */
  const offsets = new Map<string, number>();

  beforeAll(async () => {
    publisher = await RabbitMqBus.open({ url: AMQP_URL });
    // Declares the stream (as the service does) and notes where each of this file's events lands.
    watcher = await RabbitMqEventStream.open({ url: AMQP_URL });
    await watcher.read('next', async (event, offset) => {
      offsets.set(event.id, offset);
    });
  });
  afterAll(async () => {
    await watcher?.close();
    await publisher?.close();
    for (const database of databases) await database.drop();
  });

  const database = async () => {
    const created = await freshPostgresDatabase();
    databases.push(created);
    return created.url;
  };
  const start = (databaseUrl: string, extra: Record<string, string> = {}) =>
    startAnalytics({
      env: { PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, AMQP_URL, DEMO_HISTORY: 'false', ...extra },
    });
  /** How many rows the log of `databaseUrl` holds for event `id`. */
  const logged = async (databaseUrl: string, id: string) => {
    const database = await openPostgres({
      url: databaseUrl,
      service: 'analytics',
      migrationsFolder: MIGRATIONS_FOLDER,
      poolSize: 1,
    });
    try {
      const [row] = await queryRows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from analytics.event where id = ${id}`,
      );
      return row?.n;
    } finally {
      await database.close();
    }
  };

  it('when an event is published, then it is logged; events published while the service is down are logged once it is back', async () => {
    const url = await database();
    let running: RunningAnalytics = await start(url);
    try {
      const first = ownOrder(101);
      await publisher.publish(first);
      await vi.waitFor(async () => expect(await logged(url, first.id)).toBe(1), WAIT);

      await running.close();
      const whileDown = ownOrder(102);
      await publisher.publish(whileDown);
      await vi.waitFor(() => expect(offsets.has(whileDown.id)).toBe(true), WAIT);

      running = await start(url);
      await vi.waitFor(async () => expect(await logged(url, whileDown.id)).toBe(1), WAIT);
      expect(await logged(url, first.id)).toBe(1);
      expect(await running.context.refresh()).toMatchObject({ appliedEvents: expect.any(Number) });
    } finally {
      await running.close();
    }
  });

  it('when STREAM_REPLAY_FROM names an offset, then a new log is filled from the stream from there', async () => {
    const earlier = ownOrder(201);
    await publisher.publish(earlier);
    await vi.waitFor(() => expect(offsets.has(earlier.id)).toBe(true), WAIT);

    // A fresh database: the log never saw the event, and the stream still keeps it.
    const url = await database();
    const running = await start(url, { STREAM_REPLAY_FROM: String(offsets.get(earlier.id)) });
    try {
      await vi.waitFor(async () => expect(await logged(url, earlier.id)).toBe(1), WAIT);
    } finally {
      await running.close();
    }
  });
});
