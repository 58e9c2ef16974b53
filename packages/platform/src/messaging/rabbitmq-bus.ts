import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AmqpConnectionManager,
  AmqpConnectionManagerClass,
  type ChannelWrapper,
  type Options as ManagerOptions,
} from 'amqp-connection-manager';
import type { Channel, ConsumeMessage, GetMessage, MessagePropertyHeaders, Options } from 'amqplib';
import { pino } from 'pino';
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
import { handling } from './traced-work.ts';

export interface RabbitMqBusOptions {
  /** `amqp://user:password@host:5672/vhost` (AMQP_URL). */
  url: string;
  /** The durable topic exchange events go through. Default `ecom.events`. */
  exchange?: string;
  /** Unacknowledged messages one subscription or job consumer holds at once. Default 16. */
  prefetch?: number;
  logger?: Logger;
  /**
   * How long publish() and enqueue() wait for the broker's confirm, including any time
   * spent reconnecting; past it they reject (the outbox relay then retries). Default 10 s.
   */
  publishTimeoutMs?: number;
  /** How long connect() and subscribe()/consume() wait for the broker. Default 10 s. */
  connectTimeoutMs?: number;
  /** Wait between reconnection attempts. Default 1 s. */
  reconnectDelayMs?: number;
  /** AMQP heartbeat, which detects a dead connection. Default 5 s. */
  heartbeatSeconds?: number;
  /** The connection's name in the RabbitMQ management UI and `rabbitmqctl list_connections`. */
  connectionName?: string;
}

/** Where messages of `queue` go after their last failed attempt. */
export function deadLetterQueueName(queue: string): string {
  return `${queue}.dead`;
}

/** The delay queue that holds failed messages of `queue` for `delayMs`, then routes them back to it. */
export function retryQueueName(queue: string, delayMs: number): string {
  return `${queue}.retry.${delayMs}`;
}

const EVENT_CONTENT_TYPE = 'application/cloudevents+json';
const JOB_CONTENT_TYPE = 'application/json';
/** The delivery number a message carries into its next delivery (absent on the first). */
const ATTEMPT_HEADER = 'x-attempt';
const ERROR_HEADER = 'x-error';
const ATTEMPTS_HEADER = 'x-attempts';
const DEAD_AT_HEADER = 'x-dead-at';
const MAX_ERROR_LENGTH = 4_000;

interface Subscription {
  queue: string;
  wrapper: ChannelWrapper;
  /** The raw channel and consumer tag of the current connection, for cancelling at close. */
  channel?: Channel;
  consumerTag?: string;
}

type Handler = (payload: CloudEvent | Job, delivery: Delivery) => Promise<void>;

/**
 * The server-mode bus on RabbitMQ, through amqplib and amqp-connection-manager.
 *
 * Create it with `await RabbitMqBus.open(options)` (or `new RabbitMqBus(options)` then
 * `await bus.connect()`): it resolves once connected and the exchange is declared, and
 * rejects after `connectTimeoutMs` if the broker is unreachable.
 *
 * Topology (all durable, messages persistent):
 * - events: topic exchange `ecom.events`, routing key = event type, body = the CloudEvent
 *   JSON (`application/cloudevents+json`), `messageId` = event id, `traceparent` header;
 * - a subscription: queue `<consumer>` bound to each type; a job queue: `<queue>`, fed
 *   through the default exchange; a watcher: a server-named, exclusive, auto-deleted
 *   queue bound to each type, without retry or dead-letter queues;
 * - retries: on a failed delivery the message is republished (confirmed) to
 *   `<queue>.retry.<delayMs>`, whose `x-message-ttl` dead-letters it back to `<queue>`
 *   through the default exchange, with header `x-attempt` = the next delivery's number;
 *   then the original is acked. After the last attempt it goes to `<queue>.dead` with
 *   headers `x-error`, `x-attempts`, `x-dead-at`.
 *
 * Reconnection: when the connection drops (broker restart, network, forced close), the
 * manager reconnects every `reconnectDelayMs` and replays each channel's setup, so
 * exchanges, queues, bindings and consumers come back (a watcher gets a new queue, so
 * events published while it was away are not delivered to it). publish()/enqueue() called while
 * disconnected are buffered and resolve once confirmed after the reconnect, or reject
 * after `publishTimeoutMs`. A message whose handler was running when its channel died is
 * redelivered (at-least-once: consumers dedupe with the inbox).
 */
export class RabbitMqBus implements Bus {
  static async open(options: RabbitMqBusOptions): Promise<RabbitMqBus> {
    return new RabbitMqBus(options).connect();
  }

  readonly exchange: string;
  private readonly prefetch: number;
  private readonly publishTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly logger: Logger;
  private readonly manager: AmqpConnectionManager;
  private readonly publisher: ChannelWrapper;
  private readonly subscriptions: Subscription[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly jobQueues = new Map<string, Promise<void>>();
  private readonly declared = new Set<string>();
  /** Set by close(): no new deliveries start. */
  private closing = false;
  /** Set once the connection is being closed: publishes stop retrying. */
  private shutDown = false;
  private closed: Promise<void> | undefined;

  constructor(options: RabbitMqBusOptions) {
    this.exchange = options.exchange ?? 'ecom.events';
    this.prefetch = Math.max(1, options.prefetch ?? 16);
    this.publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.manager = new AmqpConnectionManagerClass(options.url, {
      heartbeatIntervalInSeconds: options.heartbeatSeconds ?? 5,
      reconnectTimeInSeconds: (options.reconnectDelayMs ?? 1_000) / 1_000,
      connectionOptions: { clientProperties: { connection_name: options.connectionName ?? 'shop-bus' } },
    });
    this.manager.on('connect', () => this.logger.info('connected to RabbitMQ'));
    this.manager.on('disconnect', ({ err }) => {
      if (!this.shutDown) this.logger.warn({ err }, 'RabbitMQ connection lost; reconnecting');
    });
    this.manager.on('connectFailed', ({ err }) => this.logger.warn({ err }, 'RabbitMQ connection failed; retrying'));
    this.manager.on('blocked', ({ reason }) => this.logger.warn({ reason }, 'RabbitMQ blocked publishing'));
    this.manager.on('unblocked', () => this.logger.info('RabbitMQ unblocked publishing'));
    this.publisher = this.manager.createChannel({
      name: 'publisher',
      confirm: true,
      setup: async (channel: Channel) => {
        this.forceReconnectOnError(channel, 'publisher');
        await channel.assertExchange(this.exchange, 'topic', { durable: true });
      },
    });
    this.publisher.on('error', (err) => this.logger.error({ err }, 'RabbitMQ publisher channel failed'));
  }

  /** Connects and declares the exchange; rejects (and stops retrying) after `connectTimeoutMs`. */
  async connect(): Promise<this> {
    try {
      await this.manager.connect({ timeout: this.connectTimeoutMs });
      await this.ready(this.publisher, 'the publisher channel');
    } catch (error) {
      this.shutDown = true;
      await this.manager.close().catch(() => {});
      throw error;
    }
    return this;
  }

  /** Every queue this bus declared: consumer and job queues, their delay and dead-letter queues. */
  get declaredQueues(): string[] {
    return [...this.declared];
  }

  async publish(event: CloudEvent): Promise<void> {
    this.assertOpen();
    const time = Date.parse(event.time);
    await this.send(this.exchange, event.type, Buffer.from(JSON.stringify(event)), {
      persistent: true,
      contentType: EVENT_CONTENT_TYPE,
      messageId: event.id,
      type: event.type,
      timestamp: Math.floor((Number.isNaN(time) ? Date.now() : time) / 1_000),
      headers: event.traceparent ? { traceparent: event.traceparent } : {},
    });
  }

  async subscribe(
    consumer: string,
    types: readonly string[],
    handler: EventHandler,
    policy?: Partial<RetryPolicy>,
  ): Promise<void> {
    await this.startConsumer(consumer, types, handler as Handler, policy);
  }

  async watch(types: readonly string[], handler: EventHandler): Promise<void> {
    this.assertOpen();
    const subscription = { queue: '' } as Subscription;
    const setup = async (channel: Channel): Promise<void> => {
      this.forceReconnectOnError(channel, 'watcher');
      await channel.assertExchange(this.exchange, 'topic', { durable: true });
      // A queue of this connection's own: the broker names it and deletes it when the
      // connection goes, so each reconnect declares and binds a fresh one here.
      const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      for (const type of types) await channel.bindQueue(queue, this.exchange, type);
      if (this.closing) return;
      await channel.prefetch(this.prefetch);
      const { consumerTag } = await channel.consume(
        queue,
        (message) => {
          if (message) {
            this.onWatched(channel, message, handler);
          } else if (!this.closing) {
            this.logger.warn({ queue }, 'watcher cancelled by RabbitMQ; watching again');
            setup(channel).catch((err: unknown) => this.logger.error({ err }, 'could not watch again'));
          }
        },
        { noAck: false },
      );
      subscription.queue = queue;
      subscription.channel = channel;
      subscription.consumerTag = consumerTag;
    };
    const wrapper = this.manager.createChannel({ name: 'watcher', confirm: false, setup });
    wrapper.on('error', (err) => this.logger.error({ err, types }, 'RabbitMQ watcher channel failed'));
    subscription.wrapper = wrapper;
    try {
      await this.ready(wrapper, 'a watcher');
    } catch (error) {
      await wrapper.close().catch(() => {});
      throw error;
    }
    this.subscriptions.push(subscription);
  }

  async enqueue(queue: string, given: Job): Promise<void> {
    this.assertOpen();
    // A job queued while handling a request or an event stays in its trace.
    const job = given.traceparent || !currentTraceparent() ? given : { ...given, traceparent: currentTraceparent() };
    await this.declareJobQueue(queue);
    await this.send('', queue, Buffer.from(JSON.stringify(job)), {
      persistent: true,
      contentType: JOB_CONTENT_TYPE,
      messageId: job.id,
      type: job.type,
      timestamp: Math.floor(Date.now() / 1_000),
      headers: job.traceparent ? { traceparent: job.traceparent } : {},
    });
  }

  async consume(queue: string, handler: JobHandler, policy?: Partial<RetryPolicy>): Promise<void> {
    await this.startConsumer(queue, null, handler as Handler, policy);
  }

  /**
   * Reads `<queue>.dead` on a short-lived channel: takes up to `limit` messages unacked,
   * then requeues them all, so they stay in place and in order (oldest first).
   */
  async deadLetters(queue: string, limit = 100): Promise<DeadLetter[]> {
    this.assertOpen();
    await this.ready(this.publisher, 'the publisher channel');
    const connection = this.manager.connection;
    if (!connection) throw new Error('not connected to RabbitMQ');
    const channel = await connection.createChannel();
    channel.on('error', () => {}); // a missing queue closes this channel; handled below
    const dead = deadLetterQueueName(queue);
    try {
      try {
        await channel.checkQueue(dead);
      } catch {
        return [];
      }
      const letters: DeadLetter[] = [];
      let last: GetMessage | undefined;
      while (letters.length < limit) {
        const message = await channel.get(dead, { noAck: false });
        if (!message) break;
        last = message;
        letters.push(toDeadLetter(queue, message));
      }
      if (last) channel.nack(last, true, true);
      return letters;
    } finally {
      await channel.close().catch(() => {});
    }
  }

  /** Cancels the consumers, waits for running handlers (and their acks), then closes the connection. */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    await Promise.allSettled(
      this.subscriptions.map(async (subscription) => {
        if (subscription.channel && subscription.consumerTag) {
          await subscription.channel.cancel(subscription.consumerTag);
        }
      }),
    );
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    this.shutDown = true;
    await this.manager.close();
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('the bus is closed');
  }

  /** Publishes with confirms, retrying through reconnects until `publishTimeoutMs` has passed. */
  private async send(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    const deadline = Date.now() + this.publishTimeoutMs;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      try {
        await this.publisher.publish(exchange, routingKey, content, { ...options, timeout: remaining });
        return;
      } catch (error) {
        if (this.shutDown) throw error;
        if ((error as Error).message === 'timeout') break;
        // The channel died with the message unconfirmed (connection lost): send it again.
        // It may arrive twice; consumers dedupe on the message id.
        this.logger.debug({ err: error, routingKey }, 'publish not confirmed; sending again');
        await sleep(Math.min(50, Math.max(0, deadline - Date.now())));
      }
    }
    throw new Error(`RabbitMQ did not confirm the message to '${routingKey}' within ${this.publishTimeoutMs} ms`);
  }

  private declareJobQueue(queue: string): Promise<void> {
    let declared = this.jobQueues.get(queue);
    if (!declared) {
      this.declared.add(queue);
      // Kept as a setup step: declared again on every reconnect, before buffered messages go out.
      declared = this.publisher
        .addSetup(async (channel: Channel) => {
          await channel.assertQueue(queue, { durable: true });
        })
        .catch((error: { code?: unknown }) => {
          // The connection dropped during the declaration: it runs again on reconnect, before
          // the buffered message is sent. Only a refusal by the broker (a reply code) is final.
          if (error.code === undefined) return;
          this.jobQueues.delete(queue);
          throw error;
        });
      this.jobQueues.set(queue, declared);
    }
    return declared;
  }

  private async startConsumer(
    queue: string,
    types: readonly string[] | null,
    handler: Handler,
    partial: Partial<RetryPolicy> | undefined,
  ): Promise<void> {
    this.assertOpen();
    const policy: RetryPolicy = { ...DEFAULT_RETRY, ...partial };
    const delays = [...new Set(Array.from({ length: policy.attempts - 1 }, (_, i) => retryDelay(policy, i + 1)))];
    const dead = deadLetterQueueName(queue);
    for (const name of [queue, dead, ...delays.map((delay) => retryQueueName(queue, delay))]) this.declared.add(name);

    const subscription = { queue } as Subscription;
    const setup = async (channel: Channel): Promise<void> => {
      this.forceReconnectOnError(channel, `consumer ${queue}`);
      await channel.assertQueue(queue, { durable: true });
      if (types) {
        await channel.assertExchange(this.exchange, 'topic', { durable: true });
        for (const type of types) await channel.bindQueue(queue, this.exchange, type);
      }
      await channel.assertQueue(dead, { durable: true });
      for (const delay of delays) {
        await channel.assertQueue(retryQueueName(queue, delay), {
          durable: true,
          arguments: { 'x-message-ttl': delay, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
        });
      }
      if (this.closing) return;
      await channel.prefetch(this.prefetch);
      const { consumerTag } = await channel.consume(
        queue,
        (message) => {
          if (message) {
            this.onMessage(channel, message, queue, handler, policy);
          } else if (!this.closing) {
            // The broker cancelled the consumer (its queue was deleted): declare and consume again.
            this.logger.warn({ queue }, 'consumer cancelled by RabbitMQ; consuming again');
            setup(channel).catch((err: unknown) => this.logger.error({ err, queue }, 'could not consume again'));
          }
        },
        { noAck: false },
      );
      subscription.channel = channel;
      subscription.consumerTag = consumerTag;
    };

    const wrapper = this.manager.createChannel({ name: `consumer ${queue}`, confirm: false, setup });
    wrapper.on('error', (err) => this.logger.error({ err, queue }, 'RabbitMQ consumer channel failed'));
    subscription.wrapper = wrapper;
    try {
      await this.ready(wrapper, `the consumer of ${queue}`);
    } catch (error) {
      await wrapper.close().catch(() => {});
      throw error;
    }
    this.subscriptions.push(subscription);
  }

  private onMessage(channel: Channel, message: ConsumeMessage, queue: string, handler: Handler, policy: RetryPolicy) {
    if (this.closing) {
      // Arrived while the consumer was being cancelled: give it back for another consumer.
      settle(() => channel.nack(message, false, true));
      return;
    }
    const run = this.handle(channel, message, queue, handler, policy);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** A watcher's delivery: handled once, acknowledged whatever the outcome (a failure is only logged). */
  private onWatched(channel: Channel, message: ConsumeMessage, handler: EventHandler): void {
    if (this.closing) {
      settle(() => channel.nack(message, false, false));
      return;
    }
    const run = (async () => {
      try {
        const event = JSON.parse(message.content.toString('utf8')) as CloudEvent;
        const parent = event.traceparent ?? headerText(message.properties.headers?.traceparent);
        await runWithTrace(parent, () => handler(event, { attempt: 1, final: true }), handling(event, 'watcher', 1));
      } catch (error) {
        this.logger.error({ err: error, type: message.fields.routingKey }, 'watcher failed; the event is not retried');
      } finally {
        settle(() => channel.ack(message));
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private async handle(
    channel: Channel,
    message: ConsumeMessage,
    queue: string,
    handler: Handler,
    policy: RetryPolicy,
  ) {
    const attempt = positiveInteger(message.properties.headers?.[ATTEMPT_HEADER]) ?? 1;
    const final = attempt >= policy.attempts;
    let failure: unknown;
    let poison = false;
    try {
      const payload = JSON.parse(message.content.toString('utf8')) as CloudEvent | Job;
      try {
        // The handler runs in the publisher's trace: what it writes carries the same trace id.
        const parent = payload.traceparent ?? headerText(message.properties.headers?.traceparent);
        await runWithTrace(parent, () => handler(payload, { attempt, final }), handling(payload, queue, attempt));
        settle(() => channel.ack(message));
        return;
      } catch (error) {
        failure = error;
      }
    } catch (error) {
      failure = new Error(`unreadable message: ${errorText(error)}`);
      poison = true;
    }
    try {
      if (final || poison) {
        await this.deadLetter(queue, message, attempt, failure);
        this.logger.error({ queue, attempts: attempt, err: failure }, 'message dead-lettered');
      } else {
        const delayMs = retryDelay(policy, attempt);
        await this.send('', retryQueueName(queue, delayMs), message.content, {
          ...republished(message),
          headers: { ...cleanHeaders(message.properties.headers), [ATTEMPT_HEADER]: attempt + 1 },
        });
        this.logger.warn({ queue, attempt, retryInMs: delayMs, err: failure }, 'handler failed; retrying');
      }
      settle(() => channel.ack(message));
    } catch (error) {
      // Could not park it for later: leave it to the broker, which delivers it again.
      this.logger.error({ err: error, queue }, 'could not schedule a retry; requeueing the message');
      settle(() => channel.nack(message, false, true));
    }
  }

  private async deadLetter(queue: string, message: ConsumeMessage, attempt: number, failure: unknown) {
    await this.send('', deadLetterQueueName(queue), message.content, {
      ...republished(message),
      headers: {
        ...cleanHeaders(message.properties.headers),
        [ATTEMPT_HEADER]: attempt,
        [ATTEMPTS_HEADER]: attempt,
        [ERROR_HEADER]: errorText(failure).slice(0, MAX_ERROR_LENGTH),
        [DEAD_AT_HEADER]: new Date().toISOString(),
      },
    });
  }

  /**
   * A channel-level error (a broker-side close of one channel) would leave the channel
   * wrapper without a channel until the next reconnect: force that reconnect.
   */
  private forceReconnectOnError(channel: Channel, name: string): void {
    channel.on('error', (err: Error) => {
      this.logger.error({ err, channel: name }, 'RabbitMQ closed a channel');
      if (this.shutDown) return;
      try {
        this.manager.reconnect();
      } catch {
        // closing
      }
    });
  }

  /** Resolves once `wrapper` is connected and set up; rejects on a setup error or after `connectTimeoutMs`. */
  private async ready(wrapper: ChannelWrapper, what: string): Promise<void> {
    let onError: ((err: Error) => void) | undefined;
    const timeout = new AbortController();
    try {
      await Promise.race([
        wrapper.waitForConnect(),
        new Promise<never>((_, reject) => {
          onError = (err) => reject(err);
          wrapper.once('error', onError);
        }),
        sleep(this.connectTimeoutMs, undefined, { signal: timeout.signal }).then(() => {
          throw new Error(`RabbitMQ: ${what} was not ready within ${this.connectTimeoutMs} ms`);
        }),
      ]);
    } finally {
      timeout.abort();
      if (onError) wrapper.removeListener('error', onError);
    }
  }
}

type PublishOptions = ManagerOptions.Publish;

/** The properties a republished copy keeps. */
function republished(message: ConsumeMessage): PublishOptions {
  const { contentType, messageId, type, timestamp, correlationId, appId } = message.properties;
  return { persistent: true, contentType, messageId, type, timestamp, correlationId, appId };
}

/** The message's own headers, without the broker's dead-lettering history. */
function cleanHeaders(headers: MessagePropertyHeaders | undefined): Record<string, unknown> {
  const clean: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (!/^x-(death|first-death|last-death)/.test(key)) clean[key] = value;
  }
  return clean;
}

function toDeadLetter(queue: string, message: GetMessage): DeadLetter {
  const headers = message.properties.headers ?? {};
  const text = message.content.toString('utf8');
  let body: CloudEvent | Job;
  try {
    body = JSON.parse(text) as CloudEvent | Job;
  } catch {
    body = { id: String(message.properties.messageId ?? ''), type: 'unreadable', data: text };
  }
  return {
    queue,
    message: body,
    attempts: positiveInteger(headers[ATTEMPTS_HEADER]) ?? 1,
    error: String(headers[ERROR_HEADER] ?? ''),
    at: String(headers[DEAD_AT_HEADER] ?? ''),
  };
}

function positiveInteger(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined;
}

/** Acks and nacks on a channel that has since closed throw; the broker redelivers those messages anyway. */
function settle(action: () => void): void {
  try {
    action();
  } catch {
    // channel closed
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}
