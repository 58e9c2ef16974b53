import { EVENT_TYPES, type OrderCancelled, type OrderPlaced, type OrderStatusChanged } from '@shop/contracts';
import { lineView, type Order } from '../domain/order.ts';
import type { OrderEvent } from '../domain/ports.ts';

/** A saved order as `order.placed` tells it: with whether it came from the cart. */
export type PlacedOrder = Pick<
  Order,
  'id' | 'userId' | 'email' | 'lines' | 'totalCents' | 'currency' | 'reservationId'
> & { fromCart: boolean };

/** The `data` of `order.placed` (`OrderPlaced` in `@shop/contracts`). */
export function orderPlacedEvent(order: PlacedOrder): OrderPlaced {
  return {
    order_id: order.id,
    user_id: order.userId,
    email: order.email,
    items: order.lines.map(lineView),
    total_cents: order.totalCents,
    currency: order.currency,
    from_cart: order.fromCart,
    reservation_id: order.reservationId,
  };
}

/** The event a status move writes: `order.cancelled` or `order.status_changed`. */
export type OrderMoveEvent =
  | { type: typeof EVENT_TYPES.orderCancelled; data: OrderCancelled }
  | { type: typeof EVENT_TYPES.orderStatusChanged; data: OrderStatusChanged };

/** The move the domain decided, as its contract describes it (no field beyond the contract's). */
export function orderMoveEvent(event: OrderEvent): OrderMoveEvent {
  if (event.type === 'order.cancelled') {
    const { order_id, user_id, email, reason } = event.data;
    return { type: EVENT_TYPES.orderCancelled, data: { order_id, user_id, email, reason } };
  }
  const { order_id, status } = event.data;
  return { type: EVENT_TYPES.orderStatusChanged, data: { order_id, status } };
}
