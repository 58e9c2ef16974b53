import { Page } from '@shop/platform';
import { Type } from 'typebox';
import { ORDER_SORTS } from '../domain/ports.ts';

export const Problem = Type.Ref('Problem');
export const security = [{ bearer: [] }];

const Status = Type.Union([
  Type.Literal('confirmed'),
  Type.Literal('shipped'),
  Type.Literal('delivered'),
  Type.Literal('cancelled'),
]);
const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
export const IdParams = Type.Object({ id: Id });

export const Order = Type.Object({
  id: Type.Integer(),
  user_id: Type.Integer(),
  status: Status,
  items: Type.Array(
    Type.Object({
      product_id: Type.Integer(),
      name: Type.String(),
      unit_price_cents: Type.Integer(),
      quantity: Type.Integer(),
      line_total_cents: Type.Integer(),
    }),
  ),
  total_cents: Type.Integer(),
  currency: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
export const OrderPage = Page(Order);

/** Quantities are checked by the saga (422), not here: a quantity of 0 is well formed but refused. */
export const PlaceOrderBody = Type.Object({
  items: Type.Optional(
    Type.Array(
      Type.Object({ product_id: Id, quantity: Type.Integer({ minimum: -2_147_483_648, maximum: 2_147_483_647 }) }),
      {
        maxItems: 100,
      },
    ),
  ),
  from_cart: Type.Optional(Type.Boolean()),
});

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    description: 'Your key for this order: retries with it never order twice',
  }),
});

const listFilters = {
  sort: Type.Optional(
    Type.Union(
      ORDER_SORTS.map((sort) => Type.Literal(sort)),
      { description: '-date (default), date, total, -total' },
    ),
  ),
  // Totals are bigint: any total a JSON number carries exactly.
  min_total_cents: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  max_total_cents: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  status: Type.Optional(Status),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
};
export const OrderListQuery = Type.Object(listFilters);
export const AdminOrderListQuery = Type.Object({ user_id: Type.Optional(Id), ...listFilters });

export const StatusBody = Type.Object({ status: Type.Union([Type.Literal('shipped'), Type.Literal('delivered')]) });

// The pattern too: the uuid format also accepts a `urn:uuid:` prefix, which PostgreSQL does not.
const Uuid = Type.String({ format: 'uuid', pattern: '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$' });
export const OutcomesBody = Type.Object({
  reservations: Type.Array(
    Type.Object({
      reservation_id: Uuid,
      order_ref: Type.String({
        minLength: 1,
        maxLength: 255,
        description: 'The ref the reservation was made under: the idempotency attempt that reserved it',
      }),
    }),
    { minItems: 1, maxItems: 500 },
  ),
});
export const Outcomes = Type.Object({
  outcomes: Type.Array(
    Type.Object({
      reservation_id: Type.String({ format: 'uuid' }),
      outcome: Type.Union([Type.Literal('commit'), Type.Literal('release')], {
        description:
          'commit: a live order holds it; release: its order was cancelled, or none holds it and none ever will',
      }),
    }),
  ),
});
