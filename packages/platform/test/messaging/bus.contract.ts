/**
 * The behaviour every Bus adapter keeps, run by in-process-bus.test.ts and
 * rabbitmq-bus.test.ts. Names (consumers, queues, event types) carry a random suffix so
 * runs against a shared broker never meet.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bus, Delivery, Job, RetryPolicy } from '../../src/messaging/bus.ts';
import { type CloudEvent, cloudEvent } from '../../src/messaging/outbox.ts';

/** Fast retries for tests: deliveries 20 ms, then 40 ms apart. */
export const FAST: RetryPolicy = { attempts: 3, backoffMs: 20, maxBackoffMs: 1_000 };
/** How long "nothing more happens" is watched for. */
const QUIET_MS = 250;
const WAIT = { timeout: 8_000, interval: 10 };

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

export function busContract(name: string, makeBus: () => Promise<Bus>, cleanup?: () => Promise<void>): void {
  describe(`Bus contract (${name})`, () => {
    const run = randomBytes(4).toString('hex');
    let counter = 0;
    /** A name no other test or run uses. */
    const unique = (label: string) => `test.${label}.${run}.${++counter}`;
    const event = (type: string, data: unknown = { n: counter }) => cloudEvent('/test', type, data, TRACEPARENT);
    const job = (type = 'test.job', data: unknown = { n: counter }): Job => ({
      id: randomUUID(),
      type,
      data,
      traceparent: TRACEPARENT,
    });

    let bus: Bus;
    beforeEach(async () => {
      bus = await makeBus();
    });
    afterEach(async () => {
      await bus.close();
    });
    afterAll(async () => {
      await cleanup?.();
    });

    describe('events', () => {
      it('when an event is published, then a subscriber of its type receives it as published and a subscriber of other types does not', async () => {
        const placed = unique('placed');
        const cancelled = unique('cancelled');
        const seenByPlaced: CloudEvent[] = [];
        const seenByCancelled: CloudEvent[] = [];
        await bus.subscribe(unique('placed-consumer'), [placed], async (e) => {
          seenByPlaced.push(e);
        });
        await bus.subscribe(unique('cancelled-consumer'), [cancelled], async (e) => {
          seenByCancelled.push(e);
        });

        const first = event(placed, { order_id: 'o-1', total_cents: 1234 });
        const second = event(cancelled);
        await bus.publish(first);
        await bus.publish(second);

        // Each queue is FIFO: a wrongly routed `first` would reach the other consumer before `second`.
        await vi.waitFor(() => expect(seenByCancelled).toHaveLength(1), WAIT);
        await vi.waitFor(() => expect(seenByPlaced).toHaveLength(1), WAIT);
        expect(seenByPlaced).toEqual([first]);
        expect(seenByPlaced[0]?.traceparent).toBe(TRACEPARENT);
        expect(seenByCancelled).toEqual([second]);
      });

      it('when two consumers subscribe to the same type, then each receives its own copy', async () => {
        const type = unique('shared');
        const a: string[] = [];
        const b: string[] = [];
        await bus.subscribe(unique('consumer-a'), [type], async (e) => {
          a.push(e.id);
        });
        await bus.subscribe(unique('consumer-b'), [type], async (e) => {
          b.push(e.id);
        });
        const published = [event(type), event(type)];
        for (const e of published) await bus.publish(e);

        await vi.waitFor(() => expect(a).toHaveLength(2), WAIT);
        await vi.waitFor(() => expect(b).toHaveLength(2), WAIT);
        await sleep(QUIET_MS);
        expect(a.sort()).toEqual(published.map((e) => e.id).sort());
        expect(b.sort()).toEqual(published.map((e) => e.id).sort());
      });

      it('when a consumer subscribes to several types, then it receives events of each of them', async () => {
        const [one, two] = [unique('one'), unique('two')];
        const seen: string[] = [];
        await bus.subscribe(unique('multi'), [one, two], async (e) => {
          seen.push(e.type);
        });
        await bus.publish(event(one));
        await bus.publish(event(two));
        await vi.waitFor(() => expect(seen.sort()).toEqual([one, two].sort()), WAIT);
      });

      it('when publish resolves, then it has not waited for the handler to finish', async () => {
        const type = unique('slow');
        let release: () => void = () => {};
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        let started = false;
        await bus.subscribe(unique('slow-consumer'), [type], async () => {
          started = true;
          await gate;
        });
        await bus.publish(event(type));
        await vi.waitFor(() => expect(started).toBe(true), WAIT);
        release();
      });

      it('when a handler throws twice then succeeds, then it is called 3 times with attempts 1, 2, 3 and nothing is dead-lettered', async () => {
        const type = unique('flaky');
        const consumer = unique('flaky-consumer');
        const deliveries: Delivery[] = [];
        await bus.subscribe(
          consumer,
          [type],
          async (_e, delivery) => {
            deliveries.push(delivery);
            if (delivery.attempt < 3) throw new Error(`flaky on attempt ${delivery.attempt}`);
          },
          { ...FAST, attempts: 5 },
        );
        await bus.publish(event(type));

        await vi.waitFor(() => expect(deliveries).toHaveLength(3), WAIT);
        await sleep(QUIET_MS);
        expect(deliveries).toEqual([
          { attempt: 1, final: false },
          { attempt: 2, final: false },
          { attempt: 3, final: false },
        ]);
        expect(await bus.deadLetters(consumer)).toEqual([]);
      });

      it('when a handler always throws, then after `attempts` deliveries the event is dead-lettered with the error text and not delivered again', async () => {
        const type = unique('poison');
        const consumer = unique('poison-consumer');
        const deliveries: Delivery[] = [];
        await bus.subscribe(
          consumer,
          [type],
          async (_e, delivery) => {
            deliveries.push(delivery);
            throw new Error(`cannot handle it (attempt ${delivery.attempt})`);
          },
          FAST,
        );
        const published = event(type);
        await bus.publish(published);

        await vi.waitFor(async () => expect(await bus.deadLetters(consumer)).toHaveLength(1), WAIT);
        await sleep(QUIET_MS);
        expect(deliveries).toEqual([
          { attempt: 1, final: false },
          { attempt: 2, final: false },
          { attempt: 3, final: true },
        ]);
        const [letter] = await bus.deadLetters(consumer);
        expect(letter).toMatchObject({
          queue: consumer,
          message: published,
          attempts: 3,
          error: 'cannot handle it (attempt 3)',
        });
        expect(Number.isNaN(Date.parse(letter?.at ?? ''))).toBe(false);
        // Reading dead letters does not remove them.
        expect(await bus.deadLetters(consumer)).toHaveLength(1);
      });

      it('when a handler keeps failing, then the wait before each retry doubles', async () => {
        const type = unique('backoff');
        const starts: number[] = [];
        await bus.subscribe(
          unique('backoff-consumer'),
          [type],
          async () => {
            starts.push(performance.now());
            throw new Error('again');
          },
          { attempts: 3, backoffMs: 60, maxBackoffMs: 1_000 },
        );
        await bus.publish(event(type));
        await vi.waitFor(() => expect(starts).toHaveLength(3), WAIT);
        const [t1, t2, t3] = starts as [number, number, number];
        expect(t2 - t1).toBeGreaterThanOrEqual(55);
        expect(t3 - t2).toBeGreaterThanOrEqual(115);
      });
    });

    describe('jobs', () => {
      it('when a job is enqueued, then a consumer of its queue runs it once, as enqueued', async () => {
        const queue = unique('jobs');
        const seen: Job[] = [];
        await bus.consume(queue, async (j) => {
          seen.push(j);
        });
        const enqueued = job('email.send', { to: 'a@example.com' });
        await bus.enqueue(queue, enqueued);

        await vi.waitFor(() => expect(seen).toHaveLength(1), WAIT);
        await sleep(QUIET_MS);
        expect(seen).toEqual([enqueued]);
      });

      it('when jobs are enqueued before anyone consumes the queue, then they wait and run once consuming starts', async () => {
        const queue = unique('waiting');
        const enqueued = [job(), job()];
        for (const j of enqueued) await bus.enqueue(queue, j);
        const seen: string[] = [];
        await bus.consume(queue, async (j) => {
          seen.push(j.id);
        });
        await vi.waitFor(() => expect(seen.sort()).toEqual(enqueued.map((j) => j.id).sort()), WAIT);
      });

      it('when two workers consume one queue, then each job runs on exactly one of them', async () => {
        const queue = unique('shared-jobs');
        const seen: string[] = [];
        const worker = async (j: Job) => {
          await sleep(5);
          seen.push(j.id);
        };
        await bus.consume(queue, worker);
        await bus.consume(queue, worker);
        const enqueued = Array.from({ length: 10 }, () => job());
        await Promise.all(enqueued.map((j) => bus.enqueue(queue, j)));

        await vi.waitFor(() => expect(seen).toHaveLength(10), WAIT);
        await sleep(QUIET_MS);
        expect(seen.sort()).toEqual(enqueued.map((j) => j.id).sort());
      });

      it('when a job fails once, then it is retried with attempt 2 and nothing is dead-lettered', async () => {
        const queue = unique('retry-jobs');
        const deliveries: Delivery[] = [];
        await bus.consume(
          queue,
          async (_j, delivery) => {
            deliveries.push(delivery);
            if (delivery.attempt === 1) throw new Error('smtp unavailable');
          },
          FAST,
        );
        await bus.enqueue(queue, job());

        await vi.waitFor(() => expect(deliveries).toHaveLength(2), WAIT);
        await sleep(QUIET_MS);
        expect(deliveries).toEqual([
          { attempt: 1, final: false },
          { attempt: 2, final: false },
        ]);
        expect(await bus.deadLetters(queue)).toEqual([]);
      });

      it('when a job always fails, then it is dead-lettered after the last attempt, which alone is final', async () => {
        const queue = unique('dead-jobs');
        const deliveries: Delivery[] = [];
        await bus.consume(
          queue,
          async (_j, delivery) => {
            deliveries.push(delivery);
            throw new Error('mailbox full');
          },
          FAST,
        );
        const enqueued = job('email.send', { to: 'b@example.com' });
        await bus.enqueue(queue, enqueued);

        await vi.waitFor(async () => expect(await bus.deadLetters(queue)).toHaveLength(1), WAIT);
        await sleep(QUIET_MS);
        expect(deliveries.map((d) => d.final)).toEqual([false, false, true]);
        expect(await bus.deadLetters(queue)).toEqual([
          expect.objectContaining({ queue, message: enqueued, attempts: 3, error: 'mailbox full' }),
        ]);
      });

      it('when the policy allows a single attempt, then the first delivery is final and a failure dead-letters at once', async () => {
        const queue = unique('single');
        const deliveries: Delivery[] = [];
        await bus.consume(
          queue,
          async (_j, delivery) => {
            deliveries.push(delivery);
            throw new Error('no');
          },
          { attempts: 1 },
        );
        await bus.enqueue(queue, job());
        await vi.waitFor(async () => expect(await bus.deadLetters(queue)).toHaveLength(1), WAIT);
        expect(deliveries).toEqual([{ attempt: 1, final: true }]);
      });

      it('when several jobs are dead-lettered, then deadLetters lists them oldest first, up to the limit', async () => {
        const queue = unique('dead-order');
        await bus.consume(
          queue,
          async () => {
            throw new Error('no');
          },
          { attempts: 1 },
        );
        const enqueued = [job(), job(), job()];
        for (const [i, j] of enqueued.entries()) {
          await bus.enqueue(queue, j);
          await vi.waitFor(async () => expect(await bus.deadLetters(queue)).toHaveLength(i + 1), WAIT);
        }
        const ids = enqueued.map((j) => j.id);
        expect((await bus.deadLetters(queue)).map((d) => d.message.id)).toEqual(ids);
        expect((await bus.deadLetters(queue, 2)).map((d) => d.message.id)).toEqual(ids.slice(0, 2));
        expect((await bus.deadLetters(queue)).map((d) => d.message.id)).toEqual(ids);
      });

      it('when nothing was dead-lettered on a queue, then deadLetters is empty', async () => {
        expect(await bus.deadLetters(unique('never-used'))).toEqual([]);
      });
    });

    describe('watch', () => {
      it('when two watchers watch a type, then each hears every event of it and neither hears other types', async () => {
        const [type, other] = [unique('watched'), unique('unwatched')];
        const first: CloudEvent[] = [];
        const second: CloudEvent[] = [];
        await bus.watch([type], async (e) => {
          first.push(e);
        });
        await bus.watch([type], async (e) => {
          second.push(e);
        });
        const published = [event(type, { n: 1 }), event(other), event(type, { n: 2 })];
        for (const e of published) await bus.publish(e);

        await vi.waitFor(() => expect(first).toHaveLength(2), WAIT);
        await vi.waitFor(() => expect(second).toHaveLength(2), WAIT);
        await sleep(QUIET_MS);
        const watched = [published[0], published[2]].map((e) => e?.id).sort();
        expect(first.map((e) => e.id).sort()).toEqual(watched);
        expect(second.map((e) => e.id).sort()).toEqual(watched);
        expect(first.find((e) => e.id === published[0]?.id)).toEqual(published[0]);
        expect(first[0]?.traceparent).toBe(TRACEPARENT);
      });

      it('when a type is both watched and subscribed, then the watcher and the subscriber each get the event', async () => {
        const type = unique('watched-and-subscribed');
        const watched: string[] = [];
        const subscribed: string[] = [];
        await bus.watch([type], async (e) => {
          watched.push(e.id);
        });
        await bus.subscribe(unique('beside-a-watcher'), [type], async (e) => {
          subscribed.push(e.id);
        });
        const published = event(type);
        await bus.publish(published);

        await vi.waitFor(() => expect(watched).toEqual([published.id]), WAIT);
        await vi.waitFor(() => expect(subscribed).toEqual([published.id]), WAIT);
        await sleep(QUIET_MS);
        expect(watched).toEqual([published.id]);
        expect(subscribed).toEqual([published.id]);
      });

      it('when a watcher throws, then the event is not delivered to it again and the next event still is', async () => {
        const type = unique('watched-failing');
        const seen: string[] = [];
        await bus.watch([type], async (e) => {
          seen.push(e.id);
          throw new Error('the watcher failed');
        });
        const [first, second] = [event(type), event(type)];
        await bus.publish(first);
        await vi.waitFor(() => expect(seen).toEqual([first.id]), WAIT);
        await sleep(QUIET_MS);
        expect(seen).toEqual([first.id]);

        await bus.publish(second);
        await vi.waitFor(() => expect(seen).toEqual([first.id, second.id]), WAIT);
      });

      it('when events are published before anyone watches, then a later watcher does not hear them', async () => {
        const type = unique('watched-late');
        await bus.publish(event(type));
        const seen: string[] = [];
        await bus.watch([type], async (e) => {
          seen.push(e.id);
        });
        const after = event(type);
        await bus.publish(after);
        await vi.waitFor(() => expect(seen).toEqual([after.id]), WAIT);
        await sleep(QUIET_MS);
        expect(seen).toEqual([after.id]);
      });
    });

    describe('close', () => {
      it('when close() is called while a handler runs, then it resolves only after the handler finished', async () => {
        const queue = unique('slow-jobs');
        let started = false;
        let finished = false;
        await bus.consume(queue, async () => {
          started = true;
          await sleep(400);
          finished = true;
        });
        await bus.enqueue(queue, job());
        await vi.waitFor(() => expect(started).toBe(true), WAIT);

        await bus.close();
        expect(finished).toBe(true);
      });

      it('when the bus is closed, then publishing and enqueueing reject', async () => {
        await bus.close();
        await expect(bus.publish(event(unique('late')))).rejects.toThrow();
        await expect(bus.enqueue(unique('late-jobs'), job())).rejects.toThrow();
      });
    });
  });
}
