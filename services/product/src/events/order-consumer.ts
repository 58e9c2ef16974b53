import { EVENT_TYPES, OrderPlaced } from '@shop/contracts';
import type { EventHandler, Logger } from '@shop/platform';
import { Compile } from 'typebox/compile';
import { commitOrderedReservation } from '../domain/inventory.ts';
import type { InventoryStore } from '../domain/ports.ts';

/** The durable consumer name on the bus. */
export const CONSUMER = 'product';
export const CONSUMED_TYPES = [EVENT_TYPES.orderPlaced];

const orderPlaced = Compile(OrderPlaced);

/**
 * Commits the reservation of each placed order: the order service does not call back
 * after saving an order, the event it saves with it does. Committing is idempotent, so
 * a redelivered event needs no inbox. A malformed event, or one written before events
 * named their reservation, is logged and dropped (retrying cannot fix it; the expiry
 * sweeper still asks the order service about the reservation).
 * A store that fails throws, and the bus delivers the event again later.
 */
export function orderConsumer(deps: { inventory: InventoryStore; logger: Logger }): EventHandler {
  return async (event) => {
    if (event.type !== EVENT_TYPES.orderPlaced || !orderPlaced.Check(event.data)) {
      const errors = [...orderPlaced.Errors(event.data)].map(
        (error) => `${error.instancePath || '/'} ${error.message}`,
      );
      deps.logger.warn(
        { event_id: event.id, type: event.type, errors },
        'not an order.placed this service reads; dropped',
      );
      return;
    }
    const { reservation_id: reservationId, order_id: orderId } = event.data;
    if (reservationId === undefined) {
      deps.logger.info(
        { event_id: event.id, order_id: orderId },
        'order.placed names no reservation; the sweeper settles it',
      );
      return;
    }
    const committed = await commitOrderedReservation(reservationId, deps);
    deps.logger.debug(
      { event_id: event.id, order_id: orderId, reservation_id: reservationId, committed },
      'order.placed handled',
    );
  };
}
