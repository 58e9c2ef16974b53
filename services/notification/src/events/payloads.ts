import { UserRegistered } from '@shop/contracts';
import { type Static, Type } from 'typebox';

/**
 * The `data` of the events this service reads (API.md "Events"), as far as it reads them.
 * Extra fields are allowed: a publisher may add fields without breaking the mails.
 */
export { UserRegistered };

const Email = Type.String({ minLength: 3, maxLength: 320 });
const Id = Type.Integer({ minimum: 1 });
const Cents = Type.Integer({ minimum: 0 });

export const OrderPlaced = Type.Object({
  order_id: Id,
  user_id: Type.Integer(),
  email: Email,
  items: Type.Array(
    Type.Object({
      product_id: Type.Integer(),
      name: Type.String(),
      unit_price_cents: Cents,
      quantity: Type.Integer({ minimum: 1 }),
      line_total_cents: Cents,
    }),
    { minItems: 1 },
  ),
  total_cents: Cents,
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
});
export type OrderPlaced = Static<typeof OrderPlaced>;

export const OrderCancelled = Type.Object({
  order_id: Id,
  user_id: Type.Integer(),
  email: Email,
  reason: Type.String(),
});
export type OrderCancelled = Static<typeof OrderCancelled>;
