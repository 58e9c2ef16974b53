import { Type } from 'typebox';
import { MAX_QUANTITY, MIN_QUANTITY } from '../domain/cart.ts';

export const Problem = Type.Ref('Problem');
export const security = [{ bearer: [] }];

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
export const ItemParams = Type.Object({ product_id: Id });

export const Cart = Type.Object({
  items: Type.Array(
    Type.Object({
      product_id: Type.Integer(),
      name: Type.String(),
      unit_price_cents: Type.Integer(),
      quantity: Type.Integer(),
      line_total_cents: Type.Integer(),
    }),
    { description: 'In the order first added, at today’s prices' },
  ),
  total_cents: Type.Integer(),
  currency: Type.String(),
  notes: Type.Array(Type.Object({ product_id: Type.Integer(), message: Type.String() }), {
    description: 'What changed by itself, e.g. a product no longer sold that was removed',
  }),
});

export const QuantityBody = Type.Object({
  quantity: Type.Integer({
    minimum: MIN_QUANTITY,
    maximum: MAX_QUANTITY,
    description: `How many, ${MIN_QUANTITY}-${MAX_QUANTITY}; replaces the quantity the line had`,
  }),
});
