import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import amqplib from 'amqplib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type CloudEvent, cloudEvent } from '../../src/messaging/outbox.ts';
import { RabbitMqBus } from '../../src/messaging/rabbitmq-bus.ts';
import { RabbitMqEventStream, type RabbitMqEventStreamOptions } from '../../src/messaging/rabbitmq-event-stream.ts';
import { TcpProxy } from './tcp-proxy.ts';

const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const reachable = await probe(AMQP_URL);
if (!reachable.ok) {
  if (process.env.CI === 'true')
    throw new Error(`CI=true but RabbitMQ is not reachable at ${AMQP_URL}: ${reachable.reason}`);
  console.warn(`RabbitMQ stream tests skipped, not reachable at ${AMQP_URL}: ${reachable.reason}`);
}

const RUN = randomBytes(4).toString('hex');
const EXCHANGE = `test.stream-events.${RUN}`;
const queues: string[] = [];
const open: Array<{ close(): Promise<void> }> = [];

async function openStream(options: Partial<RabbitMqEventStreamOptions> = {}): Promise<RabbitMqEventStream> {
  const queue = options.queue ?? `test.stream.${RUN}.${queues.length}`;
  queues.push(queue);
  const stream = await RabbitMqEventStream.open({
    url: AMQP_URL,
    exchange: EXCHANGE,
    queue,
    retryDelayMs: 50,
    ...options,
  });
  open.push(stream);
  return stream;
}

async function openBus(): Promise<RabbitMqBus> {
  const bus = await RabbitMqBus.open({ url: AMQP_URL, exchange: EXCHANGE });
  open.push(bus);
  return bus;
}

const events = (count: number, from = 1) =>
  Array.from({ length: count }, (_, index) => cloudEvent('test', 'test.happened', { n: from + index }));

/** Collects what a reader is handed, as `[offset, n]`. */
function collector() {
  const seen: Array<[number, number]> = [];
  return {
    seen,
    handler: async (event: CloudEvent, offset: number) => {
      seen.push([offset, (event.data as { n: number }).n]);
    },
    until: async (count: number) => {
      for (let waited = 0; seen.length < count; waited += 20) {
        if (waited > 10_000) throw new Error(`only ${seen.length} of ${count} events arrived`);
        await sleep(20);
      }
    },
  };
}

describe.runIf(reachable.ok)('RabbitMqEventStream', () => {
  afterEach(async () => {
    // Newest first: a stream or bus before the proxy it talks through.
    for (const item of open.splice(0).reverse()) await item.close();
  });
  afterAll(async () => {
    const connection = await amqplib.connect(AMQP_URL);
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue).catch(() => undefined);
    await channel.deleteExchange(EXCHANGE).catch(() => undefined);
    await connection.close().catch(() => undefined);
  });

  it('keeps every event published on the exchange, in order, for a reader from the first and another from an offset', async () => {
    const stream = await openStream();
    const bus = await openBus();
    for (const event of events(5)) await bus.publish(event);

    const all = collector();
    await stream.read('first', all.handler);
    await all.until(5);
    expect(all.seen.map(([, n]) => n)).toEqual([1, 2, 3, 4, 5]);
    const offsets = all.seen.map(([offset]) => offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));

    // A second reader replays from the third event's offset: the log can be read again.
    const replay = collector();
    await stream.read(offsets[2] as number, replay.handler);
    await replay.until(3);
    expect(replay.seen.map(([, n]) => n)).toEqual([3, 4, 5]);
  });

  it('reading from "next" hands over only what is published after it starts', async () => {
    const stream = await openStream();
    const bus = await openBus();
    for (const event of events(2)) await bus.publish(event);
    const fresh = collector();
    await stream.read('next', fresh.handler);
    await sleep(200);
    for (const event of events(2, 3)) await bus.publish(event);
    await fresh.until(2);
    await sleep(200);
    expect(fresh.seen.map(([, n]) => n)).toEqual([3, 4]);
  });

  it('calls a failing handler again with the same event, and the events behind it wait', async () => {
    const stream = await openStream();
    const bus = await openBus();
    for (const event of events(3)) await bus.publish(event);
    const handled: number[] = [];
    let failures = 0;
    await stream.read('first', async (event) => {
      const n = (event.data as { n: number }).n;
      if (n === 2 && failures < 3) {
        failures++;
        throw new Error('the database is down');
      }
      handled.push(n);
    });
    for (let waited = 0; handled.length < 3 && waited < 10_000; waited += 20) await sleep(20);
    expect(failures).toBe(3);
    expect(handled).toEqual([1, 2, 3]);
  });

  it('after the connection is lost, goes on right after the last event it handled', async () => {
    const url = new URL(AMQP_URL);
    const proxy = await TcpProxy.start(url.hostname, Number(url.port || 5672));
    open.push(proxy);
    const stream = await openStream({ url: proxy.url(AMQP_URL) });
    const bus = await openBus();
    for (const event of events(3)) await bus.publish(event);
    const reader = collector();
    await stream.read('first', reader.handler);
    await reader.until(3);

    proxy.cut();
    for (const event of events(3, 4)) await bus.publish(event);
    proxy.restore();
    await reader.until(6);
    await sleep(300);
    expect(reader.seen.map(([, n]) => n)).toEqual([1, 2, 3, 4, 5, 6]);
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
