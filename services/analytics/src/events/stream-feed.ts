import type { CloudEvent, EventHandler, Logger, RabbitMqEventStream, StreamStart } from '@shop/platform';

/** Hands every event the shop publishes to the log's handler; started once. */
export type EventFeed = (handler: EventHandler) => Promise<void>;

/** Where reading the stream stopped: the offset to read next, kept across restarts. */
export interface StreamPosition {
  /** The offset to read next; null before the first event was ever read. */
  next(): Promise<number | null>;
  save(next: number): Promise<void>;
}

/** How often the position is saved while events flow: at most once a second, not once per event. */
const SAVE_EVERY_MS = 1_000;

/**
 * The log's feed in server mode: the RabbitMQ stream of every event, read from where this
 * service stopped last time (its saved position), or from `replayFrom` when one is given
 * (`first`, or an offset). A first start with nothing saved reads from `next`: what is
 * published from now on, as a queue declared now would get.
 *
 * The position is saved at most once a second and on stop, so a crash reads the last
 * second's events again; the log keeps each id once, so that changes nothing.
 */
export function streamFeed(deps: {
  stream: RabbitMqEventStream;
  position: StreamPosition;
  replayFrom?: StreamStart;
  logger: Logger;
}): { feed: EventFeed; stop(): Promise<void> } {
  let pending: number | undefined;
  let saved = 0;
  const save = async () => {
    if (pending === undefined) return;
    const next = pending;
    pending = undefined;
    saved = Date.now();
    await deps.position.save(next);
  };
  const feed: EventFeed = async (handler) => {
    const start = deps.replayFrom ?? (await deps.position.next()) ?? 'next';
    deps.logger.info({ from: start, queue: deps.stream.queue }, 'reading the event stream');
    await deps.stream.read(start, async (event: CloudEvent, offset: number) => {
      await handler(event, { attempt: 1, final: false });
      pending = offset + 1;
      if (Date.now() - saved >= SAVE_EVERY_MS) await save();
    });
  };
  return { feed, stop: save };
}
