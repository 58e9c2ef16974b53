import { EVENT_TYPES, OrderCancelled, OrderPlaced } from '@shop/contracts';
import { Compile } from 'typebox/compile';
import type { DecodedEvent } from '../domain/facts.ts';
import type { LoggedEvent } from '../domain/ports.ts';

const placed = Compile(OrderPlaced);
const cancelled = Compile(OrderCancelled);

function errorsOf(validator: typeof placed | typeof cancelled, data: unknown): string[] {
  return validator.Errors(data).map((error) => `${error.instancePath || '/'} ${error.message}`);
}

/**
 * Reads a logged event for the rollups: the order events, checked against their schemas
 * in `@shop/contracts`; any other type passes (the log keeps it for figures to come).
 */
export function decodeOrderEvent(event: LoggedEvent): DecodedEvent {
  const { sequence, id, type, time, data } = event;
  if (type === EVENT_TYPES.orderPlaced) {
    return placed.Check(data)
      ? { sequence, id, kind: 'order_placed', time, data }
      : { sequence, id, kind: 'malformed', type, errors: errorsOf(placed, data) };
  }
  if (type === EVENT_TYPES.orderCancelled) {
    return cancelled.Check(data)
      ? { sequence, id, kind: 'order_cancelled', time, data }
      : { sequence, id, kind: 'malformed', type, errors: errorsOf(cancelled, data) };
  }
  return { sequence, id, kind: 'other' };
}
