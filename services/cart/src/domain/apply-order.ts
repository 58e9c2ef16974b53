import { orderedQuantities } from './cart.ts';
import type { CartLine, CartStore } from './ports.ts';

/** What the cart needs to know of an `order.placed` event. */
export interface PlacedOrder {
  eventId: string;
  userId: number;
  fromCart: boolean;
  items: readonly CartLine[];
}

export type ApplyResult = 'applied' | 'already_applied' | 'not_from_cart';

/**
 * An order placed from the cart takes its quantities off the cart, once per event: the
 * cart empties of what was ordered, while what the customer added since stays.
 */
export async function applyPlacedOrder(order: PlacedOrder, deps: { carts: CartStore }): Promise<ApplyResult> {
  if (!order.fromCart) return 'not_from_cart';
  const applied = await deps.carts.applyOrder(order.userId, order.eventId, orderedQuantities(order.items));
  return applied ? 'applied' : 'already_applied';
}
