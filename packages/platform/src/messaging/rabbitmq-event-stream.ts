import { setTimeout as sleep } from 'node:timers/promises';
import { AmqpConnectionManagerClass, type ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage } from 'amqplib';
import { pino } from 'pino';
import type { Logger } from '../logger.ts';
import type { CloudEvent } from './outbox.ts';

export interface RabbitMqEventStreamOptions {
  /** `amqp://user:password@host:5672/vhost` (AMQP_URL). */
  url: string;
  /** The topic exchange the bus publishes events on. Default `ecom.events`. */
  exchange?: string;
  /** The stream queue, bound to every event type. Default `ecom.events.stream`. */
  queue?: string;
  /**
   * How long the stream keeps events (RabbitMQ's `x-max-age`: `7D`, `12h`, …). Default `30D`.
   * Only the first declaration sets it: RabbitMQ refuses to declare a queue again with other arguments.
   */
  maxAge?: string;
  /** Events in flight to this reader at once. Default 256. */
  prefetch?: number;
  /** Delay before a failed handler is called again with the same event. Default 1 s. */
  retryDelayMs?: number;
  /** How long open() waits for the broker. Default 10 s. */
  connectTimeoutMs?: number;
  logger?: Logger;
}

/** Where to start reading: a stored offset, or the stream's first event, or only new events. */
export type StreamStart = number | 'first' | 'next';

/** Handles one event of the stream, with its offset; the next event waits until it resolves. */
export type StreamHandler = (event: CloudEvent, offset: number) => Promise<void>;

/**
 * Every event the shop publishes, kept in a RabbitMQ stream queue (`x-queue-type: stream`)
 * bound to the events exchange with `#`: an append-only log on the broker that any reader
 * can read again from any offset, as long as it is kept (`maxAge`). Read over plain AMQP
 * 0-9-1 (amqplib): each reader gives its start offset (`x-stream-offset`) and gets the
 * events in order, one handler call at a time.
 *
 * A handler that throws is called again with the same event after `retryDelayMs`, and the
 * events behind it wait: a reader never skips one. After a lost connection the reader
 * resumes right after the last event its handler finished. An event that is not JSON is
 * logged and passed over.
 */
export class RabbitMqEventStream {
  static async open(options: RabbitMqEventStreamOptions): Promise<RabbitMqEventStream> {
    const stream = new RabbitMqEventStream(options);
    try {
      await stream.declare();
    } catch (error) {
      await stream.close();
      throw error;
    }
    return stream;
  }

  readonly queue: string;
  private readonly exchange: string;
  private readonly logger: Logger;
  private readonly manager;
  private readonly readers: ChannelWrapper[] = [];
  private closing = false;

  private constructor(private readonly options: RabbitMqEventStreamOptions) {
    this.exchange = options.exchange ?? 'ecom.events';
    this.queue = options.queue ?? 'ecom.events.stream';
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.manager = new AmqpConnectionManagerClass(options.url, {
      heartbeatIntervalInSeconds: 5,
      reconnectTimeInSeconds: 1,
      connectionOptions: { clientProperties: { connection_name: `shop-stream ${this.queue}` } },
    });
    this.manager.on('disconnect', ({ err }) => {
      if (!this.closing) this.logger.warn({ err }, 'RabbitMQ stream connection lost; reconnecting');
    });
  }

  /** Declares the stream queue and binds it to every event type. */
  private async declare(): Promise<void> {
    await this.manager.connect({ timeout: this.options.connectTimeoutMs ?? 10_000 });
    const channel = this.manager.createChannel({
      name: 'stream-declare',
      setup: (raw: Channel) => this.assertStream(raw),
    });
    try {
      await channel.waitForConnect();
    } finally {
      await channel.close();
    }
  }

  private async assertStream(channel: Channel): Promise<void> {
    await channel.assertExchange(this.exchange, 'topic', { durable: true });
    await channel.assertQueue(this.queue, {
      durable: true,
      arguments: { 'x-queue-type': 'stream', 'x-max-age': this.options.maxAge ?? '30D' },
    });
    await channel.bindQueue(this.queue, this.exchange, '#');
  }

  /**
   * Reads the stream from `start` on, handing each event to `handler` in order; resolves
   * once reading has begun. Reading goes on until close().
   */
  async read(start: StreamStart, handler: StreamHandler): Promise<void> {
    const prefetch = this.options.prefetch ?? 256;
    const retryDelayMs = this.options.retryDelayMs ?? 1_000;
    // After a reconnect, read again just past the last event handled.
    let next: StreamStart = start;
    // One event at a time, in offset order, whatever the prefetch.
    let queue: Promise<void> = Promise.resolve();
    // Deliveries of a channel that was lost are dropped: the new one reads them again.
    let generation = 0;
    const handle = async (channel: Channel, message: ConsumeMessage, of: number) => {
      if (of !== generation) return;
      const offset = Number(message.properties.headers?.['x-stream-offset']);
      let event: CloudEvent | undefined;
      try {
        event = JSON.parse(message.content.toString()) as CloudEvent;
      } catch {
        this.logger.warn({ offset, queue: this.queue }, 'an event in the stream is not JSON; passed over');
      }
      for (let attempt = 1; event && !this.closing && of === generation; attempt++) {
        try {
          await handler(event, offset);
          break;
        } catch (err) {
          this.logger.warn({ err, offset, attempt }, 'handling a streamed event failed; trying it again');
          await sleep(retryDelayMs);
        }
      }
      if (this.closing || of !== generation) return;
      next = offset + 1;
      channel.ack(message);
    };
    const reader = this.manager.createChannel({
      name: `stream-reader ${this.queue}`,
      setup: async (channel: Channel) => {
        const mine = ++generation;
        await this.assertStream(channel);
        // A stream queue needs a prefetch: it is how far ahead of the acks the broker sends.
        await channel.prefetch(prefetch);
        await channel.consume(
          this.queue,
          (message) => {
            if (!message) return;
            queue = queue.then(() => handle(channel, message, mine)).catch(() => undefined);
          },
          { noAck: false, arguments: { 'x-stream-offset': next } },
        );
      },
    });
    this.readers.push(reader);
    await reader.waitForConnect();
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const reader of this.readers) await reader.close().catch(() => undefined);
    await this.manager.close();
  }
}
