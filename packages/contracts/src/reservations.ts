import { type Static, Type } from 'typebox';

/**
 * The product service's internal reservation API, which the order service's checkout
 * calls (never routed by the gateway): `POST` reserves, `GET /:id` reads one,
 * `POST /:id/commit` commits, `DELETE /:id` releases. Each answers a ReservationView;
 * a refusal is problem+json (409: not enough stock or no longer committable, 422: items
 * that cannot be ordered, with `errors`).
 */
export const RESERVATIONS_PATH = '/internal/reservations';

const ProductId = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

/** The body of `POST /internal/reservations`: all lines or none, at the catalog's prices. */
export const NewReservation = Type.Object({
  order_ref: Type.String({
    minLength: 1,
    maxLength: 255,
    description: 'The caller’s key: the same ref never reserves twice',
  }),
  items: Type.Array(Type.Object({ product_id: ProductId, quantity: Type.Integer({ minimum: 1, maximum: 10_000 }) }), {
    minItems: 1,
    maxItems: 100,
  }),
});
export type NewReservation = Static<typeof NewReservation>;

export const RESERVATION_STATUSES = ['held', 'committed', 'released', 'expired'] as const;

/** A reservation as every route of the API answers it, with the names and prices it reserved at. */
export const ReservationView = Type.Object({
  reservation_id: Type.String({ format: 'uuid' }),
  order_ref: Type.String(),
  status: Type.Enum(RESERVATION_STATUSES),
  expires_at: Type.String({ format: 'date-time' }),
  lines: Type.Array(
    Type.Object({
      product_id: Type.Integer(),
      name: Type.String(),
      unit_price_cents: Type.Integer(),
      quantity: Type.Integer(),
    }),
  ),
});
export type ReservationView = Static<typeof ReservationView>;
