import type { Auth, Logger } from '@shop/platform';
import type { ManageOrdersDeps } from './domain/manage-orders.ts';
import type { PlaceOrderDeps } from './domain/place-order.ts';
import type { ReservationOutcomeDeps } from './domain/reservation-outcomes.ts';

/** Everything the routes hand to the use cases, built once in app.ts. */
export interface OrderContext {
  placeOrder: PlaceOrderDeps;
  manage: ManageOrdersDeps;
  outcomes: ReservationOutcomeDeps;
  auth: Auth;
  logger: Logger;
}
