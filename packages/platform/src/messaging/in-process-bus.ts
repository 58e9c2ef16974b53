import type { Logger } from '../logger.ts';
import { currentTraceparent, runWithTrace } from '../trace.ts';
import {
  type Bus,
  DEFAULT_RETRY,
  type DeadLetter,
  type Delivery,
  type EventHandler,
  type Job,
  type JobHandler,
  type RetryPolicy,
  retryDelay,
} from './bus.ts';
import type { MessageStore } from './message-store.ts';
import type { CloudEvent } from './outbox.ts';
import { handling } from './traced-work.ts';

export interface InProcessBusOptions {
  logger?: Logger;
  /** Handlers of one subscription or job consumer running at once (RabbitMQ's prefetch). Default 16. */
  concurrency?: number;
}

type Payload = CloudEvent | Job;

interface Message {
  /** Its id in the store; none without a store. */
  id?: number;
  /** The event or job as published, serialized once: each delivery parses its own copy. */
  body: string;
  attempt: number;
}

interface Consumer {
  handler: (payload: Payload, delivery: Delivery) => Promise<void>;
  policy: RetryPolicy;
  inFlight: number;
}

interface Watcher {
  types: ReadonlySet<string>;
  handler: EventHandler;
}

interface LocalQueue {
  name: string;
  /** Event types routed to this queue (a subscription's queue); empty for a job queue. */
  bindings: Set<string>;
  ready: Message[];
  consumers: Consumer[];
  /** Round-robin position among consumers of the same name. */
  next: number;
  /** Dead letters when there is no store. */
  dead: DeadLetter[];
  pumpScheduled: boolean;
}

/**
 * The embedded-mode bus: RabbitMqBus's semantics for one process.
 *
 * - Each subscribed consumer name is a queue with its own copy of every matching event;
 *   several subscriptions under one name compete for its messages, like replicas on one
 *   RabbitMQ queue. Events of a type no subscription was ever bound to are dropped, as on
 *   an exchange with no bound queue. Jobs wait on their queue until consumed.
 * - Each watcher gets its own copy of every matching event published while it watches,
 *   at most once: never kept, never retried.
 * - Handlers run asynchronously: publish() and enqueue() never wait for them. Each
 *   delivery gets a fresh copy of the message (a JSON round trip, as over the wire).
 * - A failed delivery is retried after `retryDelay(policy, attempt)` (an unref'd timer);
 *   after `policy.attempts` it is kept as a dead letter of the queue.
 * - close() stops deliveries, cancels pending retries and waits for running handlers.
 *
 * Durability: `await InProcessBus.open({ store })` writes through a MessageStore (the
 * `bus` schema of the shared database, see PgMessageStore), as RabbitMQ keeps durable
 * queues: publish() and enqueue() resolve once their messages have committed, a handled
 * message is deleted, a failed one records its next attempt and when it is due, a dead
 * letter stays, and subscriptions' bindings are kept. open() loads what was waiting:
 * deliveries resume once consumers subscribe, retries at their due time, and events
 * published before a consumer subscribes again still reach its queue. A message whose
 * handler was running when the process died is delivered again (at-least-once: consumers
 * dedupe with the inbox). Never call publish() or enqueue() inside a transaction on a
 * PGlite: its one connection would wait for itself.
 *
 * `new InProcessBus()` keeps everything in memory: nothing survives the process.
 */
export class InProcessBus implements Bus {
  /** A bus that writes through `store` and starts with what it kept. */
  static async open(options: InProcessBusOptions & { store?: MessageStore } = {}): Promise<InProcessBus> {
    const bus = new InProcessBus(options);
    if (options.store) {
      try {
        await bus.restore(options.store);
      } catch (error) {
        await options.store.close();
        throw error;
      }
    }
    return bus;
  }

  private readonly queues = new Map<string, LocalQueue>();
  private readonly watchers: Watcher[] = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  /** Deliveries and store writes under way: close() waits for them. */
  private readonly running = new Set<Promise<unknown>>();
  private readonly concurrency: number;
  private store: MessageStore | undefined;
  /** Additions to the store, one after the other: messages join their queues in call order. */
  private adding: Promise<unknown> = Promise.resolve();
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: InProcessBusOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 16);
  }

  async publish(event: CloudEvent): Promise<void> {
    this.assertOpen();
    const body = JSON.stringify(event);
    const queues = [...this.queues.values()].filter((queue) => queue.bindings.has(event.type));
    await this.add(queues, body);
    for (const watcher of this.watchers) {
      if (watcher.types.has(event.type)) this.notify(watcher, body);
    }
  }

  async subscribe(
    consumer: string,
    types: readonly string[],
    handler: EventHandler,
    policy?: Partial<RetryPolicy>,
  ): Promise<void> {
    this.assertOpen();
    const queue = this.queue(consumer);
    const unbound = types.filter((type) => !queue.bindings.has(type));
    if (this.store && unbound.length > 0) await this.track(this.store.bind(consumer, unbound));
    for (const type of types) queue.bindings.add(type);
    this.addConsumer(queue, handler as Consumer['handler'], policy);
  }

  async watch(types: readonly string[], handler: EventHandler): Promise<void> {
    this.assertOpen();
    this.watchers.push({ types: new Set(types), handler });
  }

  async enqueue(queue: string, given: Job): Promise<void> {
    this.assertOpen();
    // A job queued while handling a request or an event stays in its trace.
    const job = given.traceparent || !currentTraceparent() ? given : { ...given, traceparent: currentTraceparent() };
    await this.add([this.queue(queue)], JSON.stringify(job));
  }

  async consume(queue: string, handler: JobHandler, policy?: Partial<RetryPolicy>): Promise<void> {
    this.assertOpen();
    this.addConsumer(this.queue(queue), handler as Consumer['handler'], policy);
  }

  async deadLetters(queue: string, limit = 100): Promise<DeadLetter[]> {
    if (this.store) return this.store.deadLetters(queue, limit);
    const dead = this.queues.get(queue)?.dead ?? [];
    return dead.slice(0, limit).map((letter) => ({ ...letter, message: structuredClone(letter.message) }));
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    await this.store?.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the bus is closed');
  }

  /** Loads the bindings and the waiting messages the store kept. */
  private async restore(store: MessageStore): Promise<void> {
    this.store = store;
    const kept = await store.load();
    for (const { queue, type } of kept.bindings) this.queue(queue).bindings.add(type);
    const now = Date.now();
    for (const { id, queue, body, attempt, dueAt } of kept.messages) {
      this.later(this.queue(queue), { id, body, attempt }, dueAt - now);
    }
  }

  /** Puts `body` on each of `queues`, after the store committed it when there is one. */
  private async add(queues: LocalQueue[], body: string): Promise<void> {
    if (queues.length === 0) return;
    const { store } = this;
    let ids: Array<number | undefined> = [];
    if (store) {
      const names = queues.map((queue) => queue.name);
      const added = this.adding.then(() => store.add(names, body));
      this.adding = added.catch(() => undefined);
      ids = await this.track(added);
    }
    queues.forEach((queue, i) => {
      queue.ready.push({ id: ids[i], body, attempt: 1 });
      this.schedulePump(queue);
    });
  }

  /** Runs `work` where close() waits for it. */
  private track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.then(
      () => this.running.delete(work),
      () => this.running.delete(work),
    );
    return work;
  }

  private queue(name: string): LocalQueue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = { name, bindings: new Set(), ready: [], consumers: [], next: 0, dead: [], pumpScheduled: false };
      this.queues.set(name, queue);
    }
    return queue;
  }

  private addConsumer(queue: LocalQueue, handler: Consumer['handler'], policy?: Partial<RetryPolicy>): void {
    queue.consumers.push({ handler, policy: { ...DEFAULT_RETRY, ...policy }, inFlight: 0 });
    this.schedulePump(queue);
  }

  /** Deliveries start on a later turn of the event loop, never inside the publisher's call. */
  private schedulePump(queue: LocalQueue): void {
    if (queue.pumpScheduled || this.closed) return;
    queue.pumpScheduled = true;
    setImmediate(() => {
      queue.pumpScheduled = false;
      this.pump(queue);
    });
  }

  private pump(queue: LocalQueue): void {
    while (!this.closed && queue.ready.length > 0) {
      const consumer = this.freeConsumer(queue);
      if (!consumer) return;
      const message = queue.ready.shift() as Message;
      void this.track(this.deliver(queue, consumer, message)).finally(() => this.schedulePump(queue));
    }
  }

  /** Runs a watcher on a later turn with its own copy of the event; a failure is logged, never retried. */
  private notify(watcher: Watcher, body: string): void {
    const run = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      if (this.closed) return;
      const event = JSON.parse(body) as CloudEvent;
      try {
        await runWithTrace(
          event.traceparent,
          () => watcher.handler(event, { attempt: 1, final: true }),
          handling(event, 'watcher', 1),
        );
      } catch (error) {
        this.options.logger?.error({ err: error, type: event.type }, 'watcher failed; the event is not retried');
      }
    });
    void this.track(run);
  }

  private freeConsumer(queue: LocalQueue): Consumer | undefined {
    const count = queue.consumers.length;
    for (let i = 0; i < count; i += 1) {
      const consumer = queue.consumers[(queue.next + i) % count] as Consumer;
      if (consumer.inFlight < this.concurrency) {
        queue.next = (queue.next + i + 1) % count;
        return consumer;
      }
    }
    return undefined;
  }

  private async deliver(queue: LocalQueue, consumer: Consumer, message: Message): Promise<void> {
    const { policy } = consumer;
    const delivery: Delivery = { attempt: message.attempt, final: message.attempt >= policy.attempts };
    consumer.inFlight += 1;
    let failure: { error: unknown } | undefined;
    try {
      const payload = JSON.parse(message.body) as Payload;
      // The handler runs in the publisher's trace: what it writes carries the same trace id.
      await runWithTrace(
        payload.traceparent,
        () => consumer.handler(payload, delivery),
        handling(payload, queue.name, delivery.attempt),
      );
    } catch (error) {
      failure = { error };
    } finally {
      consumer.inFlight -= 1;
    }
    try {
      if (failure) await this.failed(queue, policy, message, failure.error);
      else if (message.id !== undefined) await this.store?.remove(message.id);
    } catch (error) {
      // The store keeps the message as it was: it is delivered again after a restart.
      this.options.logger?.error({ queue: queue.name, err: error }, 'could not record a delivery in the bus store');
    }
  }

  private async failed(queue: LocalQueue, policy: RetryPolicy, message: Message, error: unknown): Promise<void> {
    const logger = this.options.logger;
    const text = errorText(error);
    if (message.attempt >= policy.attempts) {
      const at = new Date().toISOString();
      if (this.store && message.id !== undefined) {
        await this.store.bury(message.id, { attempts: message.attempt, error: text, at });
      } else {
        const payload = JSON.parse(message.body) as Payload;
        queue.dead.push({ queue: queue.name, message: payload, attempts: message.attempt, error: text, at });
      }
      logger?.error({ queue: queue.name, attempts: message.attempt, err: error }, 'message dead-lettered');
      return;
    }
    const delayMs = retryDelay(policy, message.attempt);
    const next = { id: message.id, body: message.body, attempt: message.attempt + 1 };
    if (next.id !== undefined) await this.store?.retry(next.id, next.attempt, Date.now() + delayMs);
    if (this.closed) return;
    logger?.warn(
      { queue: queue.name, attempt: message.attempt, retryInMs: delayMs, err: error },
      'handler failed; retrying',
    );
    this.later(queue, next, delayMs);
  }

  /** Puts `message` back on `queue` after `delayMs` (at once when not positive). */
  private later(queue: LocalQueue, message: Message, delayMs: number): void {
    if (delayMs <= 0) {
      queue.ready.push(message);
      this.schedulePump(queue);
      return;
    }
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (this.closed) return;
      queue.ready.push(message);
      this.schedulePump(queue);
    }, delayMs);
    timer.unref();
    this.retryTimers.add(timer);
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
