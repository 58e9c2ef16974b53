import type { Auth, Logger } from '@shop/platform';
import type { ManageCartDeps } from './domain/view-cart.ts';

/** Everything the routes and the event consumer hand to the use cases, built once in app.ts. */
export interface CartContext {
  cart: ManageCartDeps;
  auth: Auth;
  logger: Logger;
}
