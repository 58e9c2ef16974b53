import type { CloudEvent } from './outbox.ts';

/**
 * The one messaging port every service uses: events on a topic exchange (each named
 * consumer gets its own durable queue; a watcher, one per process, hears them while it
 * runs) and jobs on named work queues. Delivery is at-least-once; consumers make effects
 * exactly-once with the inbox.
 *
 * Adapters: RabbitMqBus (server mode, AMQP_URL) and InProcessBus (embedded mode). Both
 * pass test/messaging/bus.contract.ts.
 */
export interface Bus {
  /** Publishes an event (routing key: its type). Resolves once the broker has confirmed it. */
  publish(event: CloudEvent): Promise<void>;
  /** Delivers events of `types` to `handler` under the durable consumer name `consumer`. */
  subscribe(
    consumer: string,
    types: readonly string[],
    handler: EventHandler,
    policy?: Partial<RetryPolicy>,
  ): Promise<void>;
  /**
   * Delivers events of `types` to `handler` in this process while it runs. Unlike subscribe(),
   * every process that watches hears every event (RabbitMQ: an exclusive, auto-deleted,
   * server-named queue per call, re-declared and re-bound after a reconnect); nothing is
   * kept for a process that is away and a failed handler is not retried (it is logged).
   * Each delivery is `{ attempt: 1, final: true }`.
   */
  watch(types: readonly string[], handler: EventHandler): Promise<void>;
  /** Puts a job on the work queue `queue`. Resolves once the broker has confirmed it. */
  enqueue(queue: string, job: Job): Promise<void>;
  /** Runs `handler` for each job of `queue`, with retries and a dead-letter queue. */
  consume(queue: string, handler: JobHandler, policy?: Partial<RetryPolicy>): Promise<void>;
  /** What was dead-lettered on `queue` (a consumer name or a job queue), oldest first, without removing it. */
  deadLetters(queue: string, limit?: number): Promise<DeadLetter[]>;
  /** Stops consuming, lets running handlers finish, closes connections. */
  close(): Promise<void>;
}

export interface Job<T = unknown> {
  /** Unique per job: consumers dedupe on it. */
  id: string;
  type: string;
  data: T;
  traceparent?: string;
}

export interface Delivery {
  /** 1 on the first delivery. */
  attempt: number;
  /** True on the last attempt: if the handler throws now, the message is dead-lettered. */
  final: boolean;
}

export type EventHandler = (event: CloudEvent, delivery: Delivery) => Promise<void>;
export type JobHandler = (job: Job, delivery: Delivery) => Promise<void>;

export interface RetryPolicy {
  /** Deliveries in all, the first included. */
  attempts: number;
  /** Delay before the second delivery; doubles for each further one. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, backoffMs: 1_000, maxBackoffMs: 60_000 };

/** Delay before delivery `attempt + 1`, after `attempt` failed deliveries. */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
}

export interface DeadLetter {
  queue: string;
  /** The event or job as it was published. */
  message: CloudEvent | Job;
  attempts: number;
  error: string;
  at: string;
}
