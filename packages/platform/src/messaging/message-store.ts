import type { DeadLetter } from './bus.ts';

/** A message waiting on a queue of the in-process bus, as its store keeps it. */
export interface StoredMessage {
  id: number;
  queue: string;
  /** The event or job as published, in JSON. */
  body: string;
  /** The number of its next delivery (1 for the first). */
  attempt: number;
  /** When that delivery is due, in ms since the epoch. */
  dueAt: number;
}

/**
 * What the in-process bus keeps so that a crash loses nothing: the bindings of its
 * subscriptions, every message not yet handled with its attempt and due time, and the
 * dead letters. Write-through: each change has committed when its call resolves.
 *
 * Adapter: PgMessageStore (PGlite or PostgreSQL). Without a store the bus keeps all of
 * it in memory.
 */
export interface MessageStore {
  /** Everything kept, for a bus that starts: bindings, and waiting messages oldest first. */
  load(): Promise<{ bindings: Array<{ queue: string; type: string }>; messages: StoredMessage[] }>;
  /** Routes events of `types` to `queue` from now on, across restarts. */
  bind(queue: string, types: readonly string[]): Promise<void>;
  /** Adds `body` to each of `queues`, all or none; the new messages' ids, in the order of `queues`. */
  add(queues: readonly string[], body: string): Promise<number[]>;
  /** The message was handled: it is gone. */
  remove(id: number): Promise<void>;
  /** The message failed: delivery number `attempt` is due at `dueAt` (ms since the epoch). */
  retry(id: number, attempt: number, dueAt: number): Promise<void>;
  /** The message failed for the last time: it becomes a dead letter of its queue. */
  bury(id: number, death: { attempts: number; error: string; at: string }): Promise<void>;
  /** Dead letters of `queue`, oldest first. */
  deadLetters(queue: string, limit: number): Promise<DeadLetter[]>;
  /** Lets another bus take the store over; the database stays open. */
  close(): Promise<void>;
}
