import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cloudEvent } from '../../src/messaging/outbox.ts';
import {
  deadLetterQueueName,
  RabbitMqBus,
  type RabbitMqBusOptions,
  retryQueueName,
} from '../../src/messaging/rabbitmq-bus.ts';
import { busContract, FAST } from './bus.contract.ts';
import { TcpProxy } from './tcp-proxy.ts';

const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const reachable = await probe(AMQP_URL);
if (!reachable.ok) {
  if (process.env.CI === 'true')
    throw new Error(`CI=true but RabbitMQ is not reachable at ${AMQP_URL}: ${reachable.reason}`);
  console.warn(`RabbitMQ tests skipped, not reachable at ${AMQP_URL}: ${reachable.reason}`);
}

const RUN = randomBytes(4).toString('hex');
/** Each run publishes through its own exchange, deleted afterwards with every queue the run's buses declared. */
const EXCHANGE = `test.events.${RUN}`;
const buses: RabbitMqBus[] = [];

async function openBus(options: Partial<RabbitMqBusOptions> = {}): Promise<RabbitMqBus> {
  const bus = await RabbitMqBus.open({
    url: AMQP_URL,
    exchange: EXCHANGE,
    reconnectDelayMs: 100,
    connectionName: `test ${RUN}`,
    ...options,
  });
  buses.push(bus);
  return bus;
}

async function deleteEverything(): Promise<void> {
  await Promise.allSettled(buses.map((bus) => bus.close()));
  const connection = await amqplib.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    const queues = new Set(buses.flatMap((bus) => bus.declaredQueues));
    for (const queue of queues) await channel.deleteQueue(queue);
    await channel.deleteExchange(EXCHANGE);
    await channel.close();
  } finally {
    await connection.close();
  }
}

describe.runIf(reachable.ok)('RabbitMqBus', () => {
  afterAll(deleteEverything);

  busContract('rabbitmq', () => openBus(), deleteEverything);

  describe('on the wire', () => {
    let connection: amqplib.ChannelModel;
    beforeAll(async () => {
      connection = await amqplib.connect(AMQP_URL);
    });
    afterAll(async () => {
      await connection.close();
    });

    /** True when `queue` exists durable with `args`: redeclaring it non-durable is refused. */
    async function isDurableQueue(queue: string, args?: Record<string, unknown>): Promise<boolean> {
      const same = await connection.createChannel();
      await same.assertQueue(queue, { durable: true, arguments: args });
      await same.close();
      const other = await connection.createChannel();
      other.on('error', () => {});
      const refused = await other.assertQueue(queue, { durable: false, arguments: args }).then(
        () => false,
        (error: { code?: number }) => error.code === 406,
      );
      await other.close().catch(() => {});
      return refused;
    }

    it('when an event is published, then it is a persistent CloudEvents message routed by its type, with its id and trace context', async () => {
      const bus = await openBus();
      const type = `test.wire.${randomUUID()}`;
      const channel = await connection.createChannel();
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await channel.bindQueue(queue, EXCHANGE, type);
      const event = cloudEvent('/test', type, { a: 1 }, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');

      await bus.publish(event);
      const message = await vi.waitFor(
        async () => {
          const got = await channel.get(queue, { noAck: true });
          if (!got) throw new Error('not there yet');
          return got;
        },
        { timeout: 5_000, interval: 10 },
      );

      expect(message.fields.exchange).toBe(EXCHANGE);
      expect(message.fields.routingKey).toBe(type);
      expect(message.properties).toMatchObject({
        deliveryMode: 2,
        contentType: 'application/cloudevents+json',
        messageId: event.id,
        type,
        headers: { traceparent: event.traceparent },
      });
      expect(JSON.parse(message.content.toString())).toEqual(event);
      await channel.close();
      await bus.close();
    });

    it('when a job is enqueued, then it is a persistent message on a durable queue', async () => {
      const bus = await openBus();
      const queue = `test.wire-jobs.${RUN}`;
      const job = { id: randomUUID(), type: 'email.send', data: { to: 'x@example.com' } };
      await bus.enqueue(queue, job);
      const channel = await connection.createChannel();
      const message = await channel.get(queue, { noAck: true });
      if (!message) throw new Error('the confirmed job is not on its queue');
      expect(message.properties).toMatchObject({ deliveryMode: 2, messageId: job.id, type: 'email.send' });
      expect(JSON.parse(message.content.toString())).toEqual(job);
      await channel.close();
      expect(await isDurableQueue(queue)).toBe(true);
      await bus.close();
    });

    it('when a consumer subscribes, then the exchange, its queue, its delay queues and its dead-letter queue are durable', async () => {
      const bus = await openBus();
      const consumer = `test.durable.${RUN}`;
      await bus.subscribe(consumer, ['test.durable'], async () => {}, FAST);

      const exchangeCheck = await connection.createChannel();
      exchangeCheck.on('error', () => {});
      const exchangeRefused = await exchangeCheck.assertExchange(EXCHANGE, 'topic', { durable: false }).then(
        () => false,
        (error: { code?: number }) => error.code === 406,
      );
      await exchangeCheck.close().catch(() => {});
      expect(exchangeRefused).toBe(true);

      expect(await isDurableQueue(consumer)).toBe(true);
      expect(await isDurableQueue(deadLetterQueueName(consumer))).toBe(true);
      for (const delay of [20, 40]) {
        const args = { 'x-message-ttl': delay, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': consumer };
        expect(await isDurableQueue(retryQueueName(consumer, delay), args)).toBe(true);
      }
      await bus.close();
    });
  });

  describe('watch across processes', () => {
    it('when two buses watch a type, then each hears every event, while two subscribers under one consumer name share them', async () => {
      const [one, two] = [await openBus(), await openBus()];
      const type = `test.watch-many.${randomUUID()}`;
      const consumer = `test.watch-many.${RUN}`;
      const heard = { one: [] as string[], two: [] as string[] };
      const consumed: string[] = [];
      await one.watch([type], async (e) => {
        heard.one.push(e.id);
      });
      await two.watch([type], async (e) => {
        heard.two.push(e.id);
      });
      for (const bus of [one, two]) {
        await bus.subscribe(consumer, [type], async (e) => {
          consumed.push(e.id);
        });
      }
      const events = Array.from({ length: 6 }, (_, i) => cloudEvent('/test', type, { i }));
      for (const event of events) await one.publish(event);

      const ids = events.map((e) => e.id).sort();
      await vi.waitFor(() => expect(heard.one.sort()).toEqual(ids), { timeout: 5_000, interval: 10 });
      await vi.waitFor(() => expect(heard.two.sort()).toEqual(ids), { timeout: 5_000, interval: 10 });
      await vi.waitFor(() => expect(consumed.sort()).toEqual(ids), { timeout: 5_000, interval: 10 });
      await sleep(300);
      expect(consumed).toHaveLength(events.length);
      await one.close();
      await two.close();
    });
  });

  describe('flow control', () => {
    it('when prefetch is 2 and handlers block, then at most 2 messages are in flight and the rest follow', async () => {
      const bus = await openBus({ prefetch: 2 });
      const type = `test.prefetch.${randomUUID()}`;
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let running = 0;
      let most = 0;
      let done = 0;
      await bus.subscribe(`test.prefetch.${RUN}`, [type], async () => {
        running += 1;
        most = Math.max(most, running);
        await gate;
        running -= 1;
        done += 1;
      });
      for (let i = 0; i < 6; i += 1) await bus.publish(cloudEvent('/test', type, { i }));

      await vi.waitFor(() => expect(running).toBe(2), { timeout: 5_000, interval: 10 });
      await sleep(300);
      expect(most).toBe(2);
      release();
      await vi.waitFor(() => expect(done).toBe(6), { timeout: 5_000, interval: 10 });
      expect(most).toBe(2);
      await bus.close();
    });
  });

  describe('when the broker goes away', () => {
    let proxy: TcpProxy;
    beforeAll(async () => {
      const target = new URL(AMQP_URL);
      proxy = await TcpProxy.start(target.hostname, Number(target.port || 5672));
    });
    afterAll(async () => {
      await proxy.close();
    });

    it('when the connection drops and comes back, then publishes made meanwhile are confirmed after the reconnect and consumers receive again', async () => {
      proxy.restore();
      const bus = await openBus({ url: proxy.url(AMQP_URL), heartbeatSeconds: 1 });
      const type = `test.reconnect.${randomUUID()}`;
      const seen: string[] = [];
      await bus.subscribe(`test.reconnect.${RUN}`, [type], async (e) => {
        seen.push(e.id);
      });
      const before = cloudEvent('/test', type, { n: 1 });
      await bus.publish(before);
      await vi.waitFor(() => expect(seen).toEqual([before.id]), { timeout: 5_000, interval: 10 });

      proxy.cut();
      const during = cloudEvent('/test', type, { n: 2 });
      let confirmed = false;
      const publishing = bus.publish(during).then(() => {
        confirmed = true;
      });
      await sleep(500);
      expect(confirmed).toBe(false);

      proxy.restore();
      await publishing;
      await vi.waitFor(() => expect(seen).toContain(during.id), { timeout: 10_000, interval: 10 });

      const after = cloudEvent('/test', type, { n: 3 });
      await bus.publish(after);
      await vi.waitFor(() => expect(seen).toContain(after.id), { timeout: 10_000, interval: 10 });
      expect(new Set(seen)).toEqual(new Set([before.id, during.id, after.id]));
      await bus.close();
    });

    it('when the connection drops in the middle of a burst of publishes, then every publish resolves and every event is delivered', async () => {
      proxy.restore();
      const bus = await openBus({ url: proxy.url(AMQP_URL), heartbeatSeconds: 1 });
      const type = `test.burst.${randomUUID()}`;
      const seen = new Set<string>();
      await bus.subscribe(`test.burst.${RUN}`, [type], async (e) => {
        seen.add(e.id);
      });
      const events = Array.from({ length: 300 }, (_, i) => cloudEvent('/test', type, { i }));
      const publishing = events.map(async (event, i) => {
        await sleep(i); // spread over ~300 ms
        await bus.publish(event);
      });
      await sleep(100);
      proxy.cut();
      await sleep(200);
      proxy.restore();
      await Promise.all(publishing);
      await vi.waitFor(() => expect(seen.size).toBe(events.length), { timeout: 10_000, interval: 20 });
      await bus.close();
    });

    it('when the connection drops while jobs wait, then a job consumer resumes and runs them after the reconnect', async () => {
      proxy.restore();
      const bus = await openBus({ url: proxy.url(AMQP_URL), heartbeatSeconds: 1 });
      const queue = `test.reconnect-jobs.${RUN}`;
      const seen: string[] = [];
      await bus.consume(queue, async (j) => {
        seen.push(j.id);
      });
      proxy.cut();
      const jobs = [randomUUID(), randomUUID()].map((id) => ({ id, type: 'x', data: null }));
      const enqueued = Promise.all(jobs.map((j) => bus.enqueue(queue, j)));
      await sleep(300);
      proxy.restore();
      await enqueued;
      await vi.waitFor(() => expect(seen.sort()).toEqual(jobs.map((j) => j.id).sort()), {
        timeout: 10_000,
        interval: 10,
      });
      await bus.close();
    });

    it('when the connection drops and comes back, then a watcher hears events again, but none published while it was away', async () => {
      proxy.restore();
      const watching = await openBus({ url: proxy.url(AMQP_URL), heartbeatSeconds: 1 });
      const publisher = await openBus();
      const type = `test.watch-reconnect.${randomUUID()}`;
      const heard: string[] = [];
      await watching.watch([type], async (e) => {
        heard.push(e.id);
      });
      const before = cloudEvent('/test', type, { n: 'before' });
      await publisher.publish(before);
      await vi.waitFor(() => expect(heard).toEqual([before.id]), { timeout: 5_000, interval: 10 });

      proxy.cut();
      await sleep(200);
      const during = cloudEvent('/test', type, { n: 'during' });
      await publisher.publish(during);
      proxy.restore();

      // The watcher's queue comes back with the connection; until then events pass it by.
      const after: string[] = [];
      await vi.waitFor(
        async () => {
          const event = cloudEvent('/test', type, { n: 'after' });
          after.push(event.id);
          await publisher.publish(event);
          await sleep(100);
          expect(heard.some((id) => after.includes(id))).toBe(true);
        },
        { timeout: 10_000, interval: 10 },
      );
      expect(heard).not.toContain(during.id);
      await watching.close();
      await publisher.close();
    });

    it('when the broker stays away longer than publishTimeoutMs, then publish rejects', async () => {
      proxy.restore();
      const bus = await openBus({ url: proxy.url(AMQP_URL), publishTimeoutMs: 400 });
      proxy.cut();
      const started = performance.now();
      await expect(bus.publish(cloudEvent('/test', 'test.timeout', {}))).rejects.toThrow(/did not confirm/);
      expect(performance.now() - started).toBeLessThan(2_000);
      proxy.restore();
      await bus.close();
    });
  });

  it('when the broker is unreachable, then open() rejects after connectTimeoutMs', async () => {
    const started = performance.now();
    await expect(
      RabbitMqBus.open({ url: 'amqp://guest:guest@127.0.0.1:1', connectTimeoutMs: 300, reconnectDelayMs: 50 }),
    ).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

async function probe(url: string): Promise<{ ok: boolean; reason?: string }> {
  try {
    const connection = await amqplib.connect(url, { timeout: 2_000 });
    await connection.close();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message || String(error) };
  }
}
