import { EVENT_TYPES } from '@shop/contracts';
import type { CloudEvent, EventHandler, Logger } from '@shop/platform';
import type { EventLog, IncomingEvent } from '../domain/ports.ts';

/** The durable consumer name on the bus. */
export const CONSUMER = 'analytics';

/** Every event type the shop publishes: the log keeps them all, read by a rollup or not. */
export const CONSUMED_TYPES: readonly string[] = Object.values(EVENT_TYPES);

/** The years a timestamp column holds without complaint: a time outside them is not one. */
const EARLIEST = Date.UTC(1, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Keeps each event in the log, once per CloudEvent id: a redelivery finds its row and adds
 * nothing. The data is kept as it came; the ETL checks it when it reads it. An event
 * without an id or a type cannot be kept (or told apart from a redelivery), nor one holding
 * a NUL character (PostgreSQL text cannot): it is logged and dropped, since retrying
 * cannot fix it.
 */
export function eventLogConsumer(deps: { log: EventLog; logger: Logger }): EventHandler {
  return async (event) => {
    const incoming = readEvent(event);
    if (!incoming) {
      deps.logger.warn(
        { event_id: event?.id, type: event?.type },
        'event without an id or a type, or with a NUL character; dropped',
      );
      return;
    }
    const added = await deps.log.append(incoming);
    deps.logger.debug({ event_id: incoming.id, type: incoming.type, added }, 'event logged');
  };
}

function readEvent(event: CloudEvent | null | undefined): IncomingEvent | null {
  if (!event || typeof event !== 'object') return null;
  const { id, type, source, time, data } = event as Partial<Record<keyof CloudEvent, unknown>>;
  if (typeof id !== 'string' || id === '' || typeof type !== 'string' || type === '') return null;
  const incoming = { id, type, source: typeof source === 'string' ? source : '', time: readTime(time), data };
  return holdsNul([incoming.id, incoming.type, incoming.source, data]) ? null : { ...incoming, data: data ?? null };
}

/** Whether a NUL character is anywhere in `values`: in a string, an object's key or value, an array item. */
function holdsNul(values: unknown[]): boolean {
  const pending = [...values];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.includes('\0')) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) pending.push(key, item);
    }
  }
  return false;
}

/** The event's time when it gave a real one; else null (the log's arrival time stands in). */
function readTime(time: unknown): Date | null {
  if (typeof time !== 'string') return null;
  const ms = Date.parse(time);
  return Number.isNaN(ms) || ms < EARLIEST || ms > LATEST ? null : new Date(ms);
}
