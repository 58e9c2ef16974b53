import { notFound } from '@shop/platform/errors';
import { checkCancel, checkStatusMove, type Order } from './order.ts';
import type { OrderQuery, OrderStore, ProductGateway } from './ports.ts';

export interface ManageOrdersDeps {
  orders: OrderStore;
  products: ProductGateway;
}

export interface Caller {
  userId: number;
  /** Holds order:read-all (sees every order). */
  canReadAll: boolean;
  /** Holds order:write (cancels any order until it ships, moves statuses). */
  canWrite: boolean;
}

/** Another user's order is "not found", never "forbidden": its existence is not confirmed. */
export async function getOrder(id: number, caller: Caller, deps: ManageOrdersDeps): Promise<Order> {
  const order = await deps.orders.find(id);
  if (!order || (order.userId !== caller.userId && !caller.canReadAll && !caller.canWrite)) {
    throw notFound(`No order with id ${id}.`);
  }
  return order;
}

export function listOrders(query: OrderQuery, deps: ManageOrdersDeps) {
  return deps.orders.list(query);
}

/**
 * Cancels and returns the stock. The status and the `order.cancelled` event are saved
 * first; the release follows, and if the product service is down the reconciler
 * releases later, so the stock always comes back.
 */
export async function cancelOrder(id: number, caller: Caller, deps: ManageOrdersDeps): Promise<Order> {
  const order = await getOrder(id, caller, deps);
  checkCancel(order, { isOwner: order.userId === caller.userId, isAdmin: caller.canWrite });
  const reason = order.userId === caller.userId ? 'cancelled by the customer' : 'cancelled by the shop';
  const cancelled = await deps.orders.setStatus(id, 'confirmed', 'cancelled', {
    type: 'order.cancelled',
    data: { order_id: id, user_id: order.userId, email: order.email, reason },
  });
  if (!cancelled) return cancelOrder(id, caller, deps); // changed meanwhile: decide again on the new status
  try {
    await deps.products.release(cancelled.reservationId);
    await deps.orders.reservationSettled(id, 'release');
  } catch {
    // left marked for the reconciler
  }
  return cancelled;
}

/** Admin: confirmed → shipped → delivered, one step at a time. */
export async function moveStatus(id: number, to: 'shipped' | 'delivered', deps: ManageOrdersDeps): Promise<Order> {
  const order = await deps.orders.find(id);
  if (!order) throw notFound(`No order with id ${id}.`);
  checkStatusMove(order.status, to);
  const moved = await deps.orders.setStatus(id, order.status, to, {
    type: 'order.status_changed',
    data: { order_id: id, status: to },
  });
  if (!moved) return moveStatus(id, to, deps);
  return moved;
}
