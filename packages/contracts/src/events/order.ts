import { type Static, Type } from 'typebox';

const Id = Type.Integer({ minimum: 1 });
const Cents = Type.Integer({ minimum: 0, description: 'Minor units' });
const Email = Type.String({ minLength: 3, maxLength: 320 });

/**
 * `order.placed`: an order was saved with its stock reserved. The lines carry the names
 * and prices the customer pays (the catalog's at the time of the order).
 */
export const OrderPlaced = Type.Object({
  order_id: Id,
  user_id: Id,
  email: Email,
  items: Type.Array(
    Type.Object({
      product_id: Id,
      name: Type.String(),
      unit_price_cents: Cents,
      quantity: Type.Integer({ minimum: 1 }),
      line_total_cents: Cents,
    }),
    { minItems: 1 },
  ),
  total_cents: Cents,
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' }),
  /** True when the items came from the customer's cart, which then loses them. */
  from_cart: Type.Boolean(),
  /**
   * The product service's reservation that holds the order's stock, which it commits on
   * this event. Always written now; absent from events written before it was added,
   * which every consumer still takes (the product service's expiry sweeper settles
   * such a reservation by asking the order service).
   */
  reservation_id: Type.Optional(Type.String({ format: 'uuid' })),
});
export type OrderPlaced = Static<typeof OrderPlaced>;

/** `order.cancelled`: the order's stock goes back; `reason` says who cancelled. */
export const OrderCancelled = Type.Object({
  order_id: Id,
  user_id: Id,
  email: Email,
  reason: Type.String(),
});
export type OrderCancelled = Static<typeof OrderCancelled>;

/** An order's statuses, in the order they come (or cancelled). */
export const ORDER_EVENT_STATUSES = ['confirmed', 'shipped', 'delivered', 'cancelled'] as const;

/** `order.status_changed`: an admin moved the order one step forward. */
export const OrderStatusChanged = Type.Object({
  order_id: Id,
  status: Type.Enum(ORDER_EVENT_STATUSES),
});
export type OrderStatusChanged = Static<typeof OrderStatusChanged>;
