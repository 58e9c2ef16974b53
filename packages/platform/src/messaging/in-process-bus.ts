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
import type { CloudEvent } from './outbox.ts';

export interface InProcessBusOptions {
  logger?: Logger;
  /** Handlers of one subscription or job consumer running at once (RabbitMQ's prefetch). Default 16. */
  concurrency?: number;
}

type Payload = CloudEvent | Job;

interface Message {
  /** The event or job as published, serialized once: each delivery parses its own copy. */
  body: string;
  attempt: number;
}

interface Consumer {
  handler: (payload: Payload, delivery: Delivery) => Promise<void>;
  policy: RetryPolicy;
  inFlight: number;
}

interface LocalQueue {
  name: string;
  /** Event types routed to this queue (a subscription's queue); empty for a job queue. */
  bindings: Set<string>;
  ready: Message[];
  consumers: Consumer[];
  /** Round-robin position among consumers of the same name. */
  next: number;
  dead: DeadLetter[];
  pumpScheduled: boolean;
}

/**
 * The embedded-mode bus: RabbitMqBus's semantics in memory, for one process.
 *
 * - Each subscribed consumer name is a queue with its own copy of every matching event;
 *   several subscriptions under one name compete for its messages, like replicas on one
 *   RabbitMQ queue. Events published before any subscription to their type are dropped,
 *   as on an exchange with no bound queue. Jobs wait on their queue until consumed.
 * - Handlers run asynchronously: publish() and enqueue() never wait for them. Each
 *   delivery gets a fresh copy of the message (a JSON round trip, as over the wire).
 * - A failed delivery is retried after `retryDelay(policy, attempt)` (an unref'd timer);
 *   after `policy.attempts` it is kept as a dead letter of the queue, in memory.
 * - close() stops deliveries, cancels pending retries and waits for running handlers.
 *
 * Nothing survives the process: embedded mode trades durability for zero setup.
 */
export class InProcessBus implements Bus {
  private readonly queues = new Map<string, LocalQueue>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private readonly concurrency: number;
  private closed = false;

  constructor(private readonly options: InProcessBusOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 16);
  }

  async publish(event: CloudEvent): Promise<void> {
    this.assertOpen();
    const body = JSON.stringify(event);
    for (const queue of this.queues.values()) {
      if (!queue.bindings.has(event.type)) continue;
      queue.ready.push({ body, attempt: 1 });
      this.schedulePump(queue);
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
    for (const type of types) queue.bindings.add(type);
    this.addConsumer(queue, handler as Consumer['handler'], policy);
  }

  async enqueue(queue: string, given: Job): Promise<void> {
    this.assertOpen();
    // A job queued while handling a request or an event stays in its trace.
    const job = given.traceparent || !currentTraceparent() ? given : { ...given, traceparent: currentTraceparent() };
    const local = this.queue(queue);
    local.ready.push({ body: JSON.stringify(job), attempt: 1 });
    this.schedulePump(local);
  }

  async consume(queue: string, handler: JobHandler, policy?: Partial<RetryPolicy>): Promise<void> {
    this.assertOpen();
    this.addConsumer(this.queue(queue), handler as Consumer['handler'], policy);
  }

  async deadLetters(queue: string, limit = 100): Promise<DeadLetter[]> {
    const dead = this.queues.get(queue)?.dead ?? [];
    return dead.slice(0, limit).map((letter) => ({ ...letter, message: structuredClone(letter.message) }));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the bus is closed');
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
      const run = this.deliver(queue, consumer, message);
      this.running.add(run);
      void run.finally(() => {
        this.running.delete(run);
        this.schedulePump(queue);
      });
    }
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
    try {
      const payload = JSON.parse(message.body) as Payload;
      // The handler runs in the publisher's trace: what it writes carries the same trace id.
      await runWithTrace(payload.traceparent, () => consumer.handler(payload, delivery));
    } catch (error) {
      this.failed(queue, policy, message, error);
    } finally {
      consumer.inFlight -= 1;
    }
  }

  private failed(queue: LocalQueue, policy: RetryPolicy, message: Message, error: unknown): void {
    const logger = this.options.logger;
    const text = errorText(error);
    if (message.attempt >= policy.attempts) {
      queue.dead.push({
        queue: queue.name,
        message: JSON.parse(message.body) as Payload,
        attempts: message.attempt,
        error: text,
        at: new Date().toISOString(),
      });
      logger?.error({ queue: queue.name, attempts: message.attempt, err: error }, 'message dead-lettered');
      return;
    }
    if (this.closed) return;
    const delayMs = retryDelay(policy, message.attempt);
    logger?.warn(
      { queue: queue.name, attempt: message.attempt, retryInMs: delayMs, err: error },
      'handler failed; retrying',
    );
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (this.closed) return;
      queue.ready.push({ body: message.body, attempt: message.attempt + 1 });
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
