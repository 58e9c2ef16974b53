import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import amqplib from 'amqplib';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Bus } from '../../src/messaging/bus.ts';
import { InProcessBus } from '../../src/messaging/in-process-bus.ts';
import { MeteredBus } from '../../src/messaging/metered-bus.ts';
import { cloudEvent } from '../../src/messaging/outbox.ts';
import { RabbitMqBus } from '../../src/messaging/rabbitmq-bus.ts';
import { busContract, FAST } from './bus.contract.ts';

const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const rabbitmq = await probe(AMQP_URL);
if (!rabbitmq.ok) {
  if (process.env.CI === 'true')
    throw new Error(`CI=true but RabbitMQ is not reachable at ${AMQP_URL}: ${rabbitmq.reason}`);
  console.warn(`MeteredBus on RabbitMQ skipped, not reachable at ${AMQP_URL}: ${rabbitmq.reason}`);
}

const RUN = randomBytes(4).toString('hex');
const EXCHANGE = `test.metered.${RUN}`;
const rabbitBuses: RabbitMqBus[] = [];
let names = 0;
const unique = (label: string) => `test.metered.${label}.${RUN}.${++names}`;
const WAIT = { timeout: 8_000, interval: 10 };

// The decorator must keep every promise of the port: the whole contract, through it.
busContract('in-process, metered', async () => new MeteredBus(new InProcessBus(), new Registry()));

const adapters: Array<{ name: string; open(): Promise<Bus> }> = [
  { name: 'InProcessBus', open: async () => new InProcessBus() },
  ...(rabbitmq.ok
    ? [
        {
          name: 'RabbitMqBus',
          open: async () => {
            const bus = await RabbitMqBus.open({ url: AMQP_URL, exchange: EXCHANGE, connectionName: `metered ${RUN}` });
            rabbitBuses.push(bus);
            return bus;
          },
        },
      ]
    : []),
];

afterAll(async () => {
  if (rabbitBuses.length === 0) return;
  await Promise.allSettled(rabbitBuses.map((bus) => bus.close()));
  const connection = await amqplib.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (const queue of new Set(rabbitBuses.flatMap((bus) => bus.declaredQueues))) await channel.deleteQueue(queue);
    await channel.deleteExchange(EXCHANGE);
    await channel.close();
  } finally {
    await connection.close();
  }
});

/** A counter's value for `queue` as the registry would expose it (undefined: no such series). */
async function count(registry: Registry, name: string, queue: string): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;
  const { values } = await metric.get();
  return values.find((value) => value.labels.queue === queue)?.value;
}

describe.each(adapters)('MeteredBus over $name', (adapter) => {
  async function metered(): Promise<{ bus: MeteredBus; registry: Registry; close(): Promise<void> }> {
    const inner = await adapter.open();
    const registry = new Registry();
    return { bus: new MeteredBus(inner, registry), registry, close: () => inner.close() };
  }

  it('when a consumer starts, then its retry and dead-letter series read 0 before any failure', async () => {
    const { bus, registry, close } = await metered();
    const queue = unique('quiet');
    await bus.consume(queue, async () => {}, FAST);

    expect(await count(registry, 'bus_retries_total', queue)).toBe(0);
    expect(await count(registry, 'bus_dead_letters_total', queue)).toBe(0);
    expect(await registry.metrics()).toContain(`bus_retries_total{queue="${queue}"} 0`);
    await close();
  });

  it('when a job fails twice then succeeds, then two retries and no dead letter are counted', async () => {
    const { bus, registry, close } = await metered();
    const queue = unique('flaky-job');
    let calls = 0;
    await bus.consume(
      queue,
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('not yet');
      },
      FAST,
    );

    await bus.enqueue(queue, { id: randomUUID(), type: 'test.job', data: null });

    await vi.waitFor(() => expect(calls).toBe(3), WAIT);
    await vi.waitFor(async () => expect(await count(registry, 'bus_retries_total', queue)).toBe(2), WAIT);
    await sleep(100);
    expect(await count(registry, 'bus_dead_letters_total', queue)).toBe(0);
    expect(await bus.deadLetters(queue)).toEqual([]);
    await close();
  });

  it('when an event fails every attempt, then attempts - 1 retries and one dead letter are counted, and the bus holds that dead letter', async () => {
    const { bus, registry, close } = await metered();
    const consumer = unique('broken-consumer');
    const type = unique('happened');
    await bus.subscribe(
      consumer,
      [type],
      async () => {
        throw new Error('always');
      },
      FAST,
    );

    await bus.publish(cloudEvent('/test', type, { n: 1 }));

    await vi.waitFor(async () => expect(await count(registry, 'bus_dead_letters_total', consumer)).toBe(1), WAIT);
    expect(await count(registry, 'bus_retries_total', consumer)).toBe(FAST.attempts - 1);
    await vi.waitFor(async () => expect(await bus.deadLetters(consumer)).toHaveLength(1), WAIT);
    await close();
  });

  it('when a watcher fails, then nothing is counted: a watcher is never retried', async () => {
    const { bus, registry, close } = await metered();
    const type = unique('watched');
    let heard = 0;
    await bus.watch([type], async () => {
      heard += 1;
      throw new Error('ignored');
    });

    await bus.publish(cloudEvent('/test', type, {}));

    await vi.waitFor(() => expect(heard).toBe(1), WAIT);
    const text = await registry.metrics();
    expect(text).not.toMatch(/bus_(retries|dead_letters)_total\{/);
    await close();
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
