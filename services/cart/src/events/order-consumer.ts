import { EVENT_TYPES, OrderPlaced } from '@shop/contracts';
import type { CloudEvent, EventHandler, Logger } from '@shop/platform';
import { Compile } from 'typebox/compile';
import { applyPlacedOrder, type PlacedOrder } from '../domain/apply-order.ts';
import type { CartStore } from '../domain/ports.ts';

/** The durable consumer name on the bus, and the inbox's. */
export const CONSUMER = 'cart';
export const CONSUMED_TYPES = [EVENT_TYPES.orderPlaced];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const orderPlaced = Compile(OrderPlaced);

/**
 * Takes orders placed from the cart off the cart, once per event id. The data is checked
 * against `OrderPlaced` (`@shop/contracts`), of which the cart reads the user, the items
 * and `from_cart`. A malformed event is logged and dropped: retrying cannot fix it. A
 * store that fails throws, and the bus delivers the event again later.
 */
export function orderConsumer(deps: { carts: CartStore; logger: Logger }): EventHandler {
  return async (event) => {
    const order = read(event, deps.logger);
    if (!order) return;
    const result = await applyPlacedOrder(order, deps);
    deps.logger.debug({ event_id: event.id, user_id: order.userId, result }, 'order.placed handled');
  };
}

function read(event: CloudEvent, logger: Logger): PlacedOrder | null {
  if (event.type !== EVENT_TYPES.orderPlaced) {
    logger.warn({ event_id: event.id, type: event.type }, 'event of a type this service does not answer; dropped');
    return null;
  }
  if (typeof event.id !== 'string' || !UUID.test(event.id)) {
    logger.warn({ event_id: event.id, type: event.type }, 'event without a UUID id; dropped');
    return null;
  }
  if (!orderPlaced.Check(event.data)) {
    const errors = orderPlaced.Errors(event.data).map((error) => `${error.instancePath || '/'} ${error.message}`);
    logger.warn({ event_id: event.id, type: event.type, errors }, 'malformed event data; dropped');
    return null;
  }
  const data = event.data;
  return {
    eventId: event.id,
    userId: data.user_id,
    fromCart: data.from_cart,
    items: data.items.map((item) => ({ productId: item.product_id, quantity: item.quantity })),
  };
}
