import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { OutboxRelay } from '../../src/messaging/outbox-relay.ts';
import { RabbitMqBus } from '../../src/messaging/rabbitmq-bus.ts';
import { databaseTargets } from '../../src/testing/index.ts';
import {
  addEvents,
  countRows,
  migrationOptions,
  occurrences,
  outbox,
  outboxRows,
  silentLogger,
} from './outbox-fixture.ts';
import { TcpProxy } from './tcp-proxy.ts';

const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const reachable = await probe(AMQP_URL);
if (!reachable.ok) {
  if (process.env.CI === 'true')
    throw new Error(`CI=true but RabbitMQ is not reachable at ${AMQP_URL}: ${reachable.reason}`);
  console.warn(`Outbox relay RabbitMQ tests skipped, not reachable at ${AMQP_URL}: ${reachable.reason}`);
}

const RUN = randomBytes(4).toString('hex');
/** This run's own exchange, deleted afterwards with the queues its subscribers declared. */
const EXCHANGE = `test.relay.${RUN}`;
const WAIT = { timeout: 10_000, interval: 20 };

describe.runIf(reachable.ok)('OutboxRelay to RabbitMQ', () => {
  afterAll(async () => {
    await withChannel((channel) => channel.deleteExchange(EXCHANGE));
  });

  describe.each(databaseTargets())('on $name', (target) => {
    const type = `test.relayed.${RUN}.${target.name}`;
    let database: Database;
    let cleanup: () => Promise<void>;
    let proxy: TcpProxy;
    let publisher: RabbitMqBus;
    let subscriber: RabbitMqBus;
    let relay: OutboxRelay;
    /** Event ids as the subscriber received them, duplicates included. */
    const seen: string[] = [];

    beforeAll(async () => {
      ({ database, cleanup } = await target.open(migrationOptions));
      const broker = new URL(AMQP_URL);
      proxy = await TcpProxy.start(broker.hostname, Number(broker.port || 5672));
      // The relay reaches the broker through the proxy; the subscriber directly, so only publishing is cut.
      publisher = await RabbitMqBus.open({
        url: proxy.url(AMQP_URL),
        exchange: EXCHANGE,
        heartbeatSeconds: 1,
        reconnectDelayMs: 100,
        publishTimeoutMs: 1_000,
        connectionName: `relay test ${RUN}`,
      });
      subscriber = await RabbitMqBus.open({ url: AMQP_URL, exchange: EXCHANGE, connectionName: `relay test ${RUN}` });
      await subscriber.subscribe(`test.relay-consumer.${RUN}.${target.name}`, [type], async (event) => {
        seen.push(event.id);
      });
      relay = new OutboxRelay({
        db: database.db,
        table: outbox,
        bus: publisher,
        leadership: database.leadership('outbox'),
        logger: silentLogger,
        pollMs: 20,
        maxBackoffMs: 200,
      });
      relay.start();
    });

    afterAll(async () => {
      await relay?.stop();
      await Promise.allSettled([publisher?.close(), subscriber?.close()]);
      const queues = subscriber?.declaredQueues ?? [];
      await withChannel(async (channel) => {
        for (const queue of queues) await channel.deleteQueue(queue);
      });
      await proxy?.close();
      await cleanup?.();
    });

    it('when the relay publishes outbox rows to RabbitMQ, then a subscriber receives each event once, in id order, and every row is marked published', async () => {
      const events = await addEvents(database.db, 20, type);
      await vi.waitFor(() => expect(seen).toHaveLength(20), WAIT);
      await vi.waitFor(async () => expect(await countRows(database.db, false)).toBe(0), WAIT);
      await sleep(200); // a duplicate would show up by now
      expect(seen).toEqual(events.map((event) => event.id));
    });

    it('when the connection to the broker is cut while rows are written, then the rows wait, and once it is back every event is delivered and every row ends published', async () => {
      const before = seen.length;
      proxy.cut();
      const during: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const batch = await addEvents(database.db, 10, type);
        during.push(...batch.map((event) => event.id));
        await sleep(100);
      }
      // Longer than publishTimeoutMs: the relay's publishes time out and it retries with backoff.
      await sleep(1_200);
      expect(await countRows(database.db, false)).toBe(30);
      expect(seen.slice(before).filter((id) => during.includes(id))).toEqual([]);

      proxy.restore();
      const after = (await addEvents(database.db, 5, type)).map((event) => event.id);
      const expected = new Set([...seen.slice(0, before), ...during, ...after]);
      await vi.waitFor(() => expect(new Set(seen)).toEqual(expected), WAIT);
      await vi.waitFor(async () => expect(await countRows(database.db, false)).toBe(0), WAIT);
      const rows = await outboxRows(database.db);
      expect(rows).toHaveLength(55);
      expect(rows.every((row) => row.published)).toBe(true);
      // At-least-once: a publish cut before its confirm may arrive twice; none is lost.
      const counts = occurrences(seen);
      for (const id of [...during, ...after]) expect(counts.get(id)).toBeGreaterThanOrEqual(1);
    });
  });
});

async function withChannel(use: (channel: amqplib.Channel) => Promise<unknown>): Promise<void> {
  const connection = await amqplib.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    await use(channel);
    await channel.close();
  } finally {
    await connection.close();
  }
}

async function probe(url: string): Promise<{ ok: boolean; reason?: string }> {
  try {
    const connection = await amqplib.connect(url, { timeout: 2_000 });
    await connection.close();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message || String(error) };
  }
}
