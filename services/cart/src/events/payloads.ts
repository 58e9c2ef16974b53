import { type Static, Type } from 'typebox';

/**
 * The `data` of `order.placed` as far as the cart reads it (the order service publishes
 * more: e-mail, names, prices, totals). Extra fields are allowed, and an order without
 * `from_cart` was not placed from the cart.
 */
export const OrderPlaced = Type.Object({
  order_id: Type.Integer({ minimum: 1 }),
  user_id: Type.Integer({ minimum: 1 }),
  items: Type.Array(
    Type.Object({
      product_id: Type.Integer({ minimum: 1 }),
      quantity: Type.Integer({ minimum: 1 }),
    }),
  ),
  from_cart: Type.Optional(Type.Boolean()),
});
export type OrderPlaced = Static<typeof OrderPlaced>;
