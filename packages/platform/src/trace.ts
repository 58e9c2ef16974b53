import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/**
 * W3C trace context (`traceparent`) for the work in progress: an HTTP request or a
 * consumed event. Events written to the outbox carry it, the bus sends it in message
 * headers, and consumers run under it, so one trace id follows an order from the
 * request to the e-mail.
 */
const storage = new AsyncLocalStorage<{ traceparent: string }>();

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The traceparent of the current request or event, if any. */
export function currentTraceparent(): string | undefined {
  return storage.getStore()?.traceparent;
}

/** A new span in `parent`'s trace, or a new trace when `parent` is absent or malformed. */
export function childTraceparent(parent: string | undefined): string {
  const match = parent ? TRACEPARENT.exec(parent.trim().toLowerCase()) : null;
  const traceId = match?.[1] && !/^0+$/.test(match[1]) ? match[1] : randomBytes(16).toString('hex');
  const flags = match?.[3] ?? '01';
  return `00-${traceId}-${randomBytes(8).toString('hex')}-${flags}`;
}

/** Runs `fn` as a span of `parent`'s trace (a new trace without one). */
export function runWithTrace<T>(parent: string | undefined, fn: () => T): T {
  return storage.run({ traceparent: childTraceparent(parent) }, fn);
}
