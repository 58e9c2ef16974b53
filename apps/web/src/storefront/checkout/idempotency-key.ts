import { ApiError } from '../../api/problem';
import { stockShortages } from './shortages';

/** A fresh key for one attempt at placing an order (randomUUID needs a secure context: fall back). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Whether the server answered this attempt for good, so the next click is a new attempt
 * with a new key. After no answer, a timeout or a server-side failure the first request
 * may still be running or may even have placed the order: the retry keeps the key, and the
 * server answers it with that order instead of placing a second one. A 409 without a
 * stock shortage is the server saying "this key is still in progress": keep it too.
 */
export function attemptIsOver(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.status === 409) return stockShortages(error).length > 0;
  return error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}
