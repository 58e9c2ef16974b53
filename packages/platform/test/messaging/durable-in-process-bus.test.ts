/**
 * The in-process bus writing through PgMessageStore, on PGlite and PostgreSQL: the bus
 * contract, and what a bus opened again on the same store finds (waiting messages,
 * retries, dead letters, bindings).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { count, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import type { Delivery, Job } from '../../src/messaging/bus.ts';
import { InProcessBus } from '../../src/messaging/in-process-bus.ts';
import { messages } from '../../src/messaging/message-store-schema.ts';
import { cloudEvent } from '../../src/messaging/outbox.ts';
import { MESSAGE_STORE_MIGRATIONS, PgMessageStore } from '../../src/messaging/pg-message-store.ts';
import { databaseTargets } from '../../src/testing/index.ts';
import { busContract } from './bus.contract.ts';

const WAIT = { timeout: 8_000, interval: 10 };

describe.each(databaseTargets())('InProcessBus with a store on $name', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  const open: InProcessBus[] = [];

  beforeAll(async () => {
    ({ database, cleanup } = await target.open(MESSAGE_STORE_MIGRATIONS));
  });
  afterEach(async () => {
    for (const bus of open.splice(0)) await bus.close();
  });
  afterAll(async () => {
    await cleanup?.();
  });

  async function openBus(options: { concurrency?: number } = {}): Promise<InProcessBus> {
    const bus = await InProcessBus.open({ ...options, store: await PgMessageStore.open(database) });
    open.push(bus);
    return bus;
  }

  /** Messages the store holds, on `queues` or on any queue. */
  async function storedMessages(queues?: string[]): Promise<number> {
    const [row] = await database.db
      .select({ n: count() })
      .from(messages)
      .where(queues ? inArray(messages.queue, queues) : undefined);
    return Number(row?.n);
  }

  const job = (): Job => ({ id: randomUUID(), type: 'test.job', data: { at: Date.now() } });
  const name = (label: string) => `${label}.${randomUUID()}`;

  busContract(`in-process on ${target.name}`, async () =>
    InProcessBus.open({ store: await PgMessageStore.open(database) }),
  );

  it('when events wait on a subscription and jobs on a queue as the bus closes, then a bus opened again delivers each once', async () => {
    const [type, consumer, queue] = [name('waiting'), name('waiting-consumer'), name('waiting-jobs')];
    const first = await openBus({ concurrency: 1 });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handledBefore: string[] = [];
    let started = 0;
    await first.subscribe(consumer, [type], async (e) => {
      started += 1;
      await gate;
      handledBefore.push(e.id);
    });
    const events = Array.from({ length: 5 }, (_, i) => cloudEvent('/test', type, { i }));
    for (const e of events) await first.publish(e);
    const jobs = [job(), job()];
    for (const j of jobs) await first.enqueue(queue, j);
    // The first event is in its handler, the rest wait; close() lets the running one finish.
    await vi.waitFor(() => expect(started).toBe(1), WAIT);
    const closing = first.close();
    release();
    await closing;
    expect(handledBefore).toEqual([events[0]?.id]);

    const second = await openBus();
    const handledAfter: string[] = [];
    const jobsAfter: Job[] = [];
    await second.subscribe(consumer, [type], async (e) => {
      handledAfter.push(e.id);
    });
    await second.consume(queue, async (j) => {
      jobsAfter.push(j);
    });
    await vi.waitFor(() => expect(handledAfter).toHaveLength(4), WAIT);
    await vi.waitFor(() => expect(jobsAfter).toHaveLength(2), WAIT);
    await sleep(200);
    expect(handledAfter).toEqual(events.slice(1).map((e) => e.id));
    expect(jobsAfter).toEqual(jobs);
    // Handled messages are deleted.
    await vi.waitFor(async () => expect(await storedMessages([consumer, queue])).toBe(0), WAIT);
  });

  it('when a job failed and the bus closes with its retry waiting, then a bus opened again runs it as attempt 2 once due, not before', async () => {
    const queue = name('retrying');
    const first = await openBus();
    let failedAt = 0;
    await first.consume(
      queue,
      async () => {
        failedAt = Date.now();
        throw new Error('smtp refused');
      },
      { attempts: 3, backoffMs: 600 },
    );
    const enqueued = job();
    await first.enqueue(queue, enqueued);
    await vi.waitFor(() => expect(failedAt).toBeGreaterThan(0), WAIT);
    await sleep(50); // the retry is recorded after the handler returned
    await first.close();

    const second = await openBus();
    const deliveries: Array<{ job: Job; delivery: Delivery; at: number }> = [];
    await second.consume(
      queue,
      async (j, delivery) => {
        deliveries.push({ job: j, delivery, at: Date.now() });
      },
      { attempts: 3, backoffMs: 600 },
    );
    await vi.waitFor(() => expect(deliveries).toHaveLength(1), WAIT);
    expect(deliveries[0]?.job).toEqual(enqueued);
    expect(deliveries[0]?.delivery).toEqual({ attempt: 2, final: false });
    expect(deliveries[0]?.at).toBeGreaterThanOrEqual(failedAt + 590);
    expect(await second.deadLetters(queue)).toEqual([]);
  });

  it('when a message was dead-lettered, then a bus opened again lists it as it was', async () => {
    const queue = name('dead');
    const first = await openBus();
    await first.consume(
      queue,
      async () => {
        throw new Error('mailbox full');
      },
      { attempts: 1 },
    );
    const enqueued = job();
    await first.enqueue(queue, enqueued);
    await vi.waitFor(async () => expect(await first.deadLetters(queue)).toHaveLength(1), WAIT);
    const letters = await first.deadLetters(queue);
    await first.close();

    const second = await openBus();
    expect(await second.deadLetters(queue)).toEqual(letters);
    expect(letters).toEqual([{ queue, message: enqueued, attempts: 1, error: 'mailbox full', at: expect.any(String) }]);
    let ran = false;
    await second.consume(queue, async () => {
      ran = true;
    });
    await sleep(200);
    expect(ran).toBe(false);
  });

  it('when a consumer subscribed before the bus closed, then events published after a restart and before it subscribes again wait for it', async () => {
    const [type, unbound, consumer] = [name('bound'), name('unbound'), name('bound-consumer')];
    const first = await openBus();
    await first.subscribe(consumer, [type], async () => {});
    await first.close();

    const second = await openBus();
    const waiting = cloudEvent('/test', type, { n: 1 });
    await second.publish(waiting);
    // A type never bound to the queue is dropped, as on an exchange with no bound queue.
    await second.publish(cloudEvent('/test', unbound, { n: 2 }));
    const seen: string[] = [];
    await second.subscribe(consumer, [type, unbound], async (e) => {
      seen.push(e.id);
    });
    await vi.waitFor(() => expect(seen).toEqual([waiting.id]), WAIT);
    await sleep(200);
    expect(seen).toEqual([waiting.id]);
  });

  it('when events are published at once, then a consumer gets them in the order publish was called', async () => {
    const [type, consumer] = [name('ordered'), name('ordered-consumer')];
    const bus = await openBus({ concurrency: 1 });
    const seen: string[] = [];
    await bus.subscribe(consumer, [type], async (e) => {
      seen.push(e.id);
    });
    const events = Array.from({ length: 30 }, (_, i) => cloudEvent('/test', type, { i }));
    await Promise.all(events.map((e) => bus.publish(e)));
    await vi.waitFor(() => expect(seen).toHaveLength(events.length), WAIT);
    expect(seen).toEqual(events.map((e) => e.id));
  });

  it('when a type is only watched, then its events are never stored', async () => {
    const type = name('watched-only');
    const bus = await openBus();
    const heard: string[] = [];
    await bus.watch([type], async (e) => {
      heard.push(e.id);
    });
    const before = await storedMessages();
    const published = cloudEvent('/test', type, {});
    await bus.publish(published);
    await vi.waitFor(() => expect(heard).toEqual([published.id]), WAIT);
    expect(await storedMessages()).toBe(before);
  });
});

/** Several processes can reach one PostgreSQL (a PGlite is one process's): only one may hold the store. */
const postgres = databaseTargets().filter((target) => target.name === 'postgres');

describe.each(postgres)('the message store shared by processes ($name)', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ database, cleanup } = await target.open(MESSAGE_STORE_MIGRATIONS));
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it('when a second bus opens the store while the first has it, then it is refused until the first closes', async () => {
    const first = await InProcessBus.open({ store: await PgMessageStore.open(database) });
    await expect(PgMessageStore.open(database)).rejects.toThrow(/Another process is using the bus/);
    await first.close();
    const store = await PgMessageStore.open(database);
    await store.close();
  });
});
