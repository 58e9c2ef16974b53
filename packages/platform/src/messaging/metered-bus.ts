import type { Registry } from 'prom-client';
import { registerCounter } from '../counters.ts';
import type { Bus, DeadLetter, Delivery, EventHandler, Job, JobHandler, RetryPolicy } from './bus.ts';
import type { CloudEvent } from './outbox.ts';

/**
 * A service's view of the bus that counts, in the service's registry, the deliveries its
 * handlers failed: `bus_retries_total` when the bus will deliver the message again,
 * `bus_dead_letters_total` when that was its last attempt and it is dead-lettered. Both
 * adapters decide the same way (`Delivery.final`), so one decorator serves both, and
 * in embedded mode, where every service shares one bus, each service counts its own
 * queues. Labelled by queue: a consumer name or a job queue, a handful per service.
 *
 * Not counted: a watcher's failure (never retried) and, on RabbitMQ, a message too
 * malformed to reach a handler (dead-lettered at once; only other publishers' bugs make one).
 */
export class MeteredBus implements Bus {
  private readonly retries;
  private readonly buried;

  constructor(
    private readonly inner: Bus,
    registry: Registry,
  ) {
    this.retries = registerCounter(registry, {
      name: 'bus_retries_total',
      help: 'Deliveries whose handler failed and that the bus delivers again later, by queue',
      labelNames: ['queue'],
    });
    this.buried = registerCounter(registry, {
      name: 'bus_dead_letters_total',
      help: 'Messages dead-lettered after their handler failed on the last attempt, by queue',
      labelNames: ['queue'],
    });
  }

  publish(event: CloudEvent): Promise<void> {
    return this.inner.publish(event);
  }

  subscribe(
    consumer: string,
    types: readonly string[],
    handler: EventHandler,
    policy?: Partial<RetryPolicy>,
  ): Promise<void> {
    return this.inner.subscribe(consumer, types, this.counted(consumer, handler), policy);
  }

  watch(types: readonly string[], handler: EventHandler): Promise<void> {
    return this.inner.watch(types, handler);
  }

  enqueue(queue: string, job: Job): Promise<void> {
    return this.inner.enqueue(queue, job);
  }

  consume(queue: string, handler: JobHandler, policy?: Partial<RetryPolicy>): Promise<void> {
    return this.inner.consume(queue, this.counted(queue, handler), policy);
  }

  deadLetters(queue: string, limit?: number): Promise<DeadLetter[]> {
    return this.inner.deadLetters(queue, limit);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private counted<M>(
    queue: string,
    handler: (message: M, delivery: Delivery) => Promise<void>,
  ): (message: M, delivery: Delivery) => Promise<void> {
    // Series at zero from the start: a rate over them is 0, not "no data", until the first failure.
    this.retries.inc({ queue }, 0);
    this.buried.inc({ queue }, 0);
    return async (message, delivery) => {
      try {
        await handler(message, delivery);
      } catch (error) {
        (delivery.final ? this.buried : this.retries).inc({ queue });
        throw error;
      }
    };
  }
}
