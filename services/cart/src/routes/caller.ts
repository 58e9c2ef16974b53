import type { Principal } from '@shop/platform';
import { forbidden } from '@shop/platform/errors';

/** The signed-in user whose cart this is; service tokens (no user id) have no cart. */
export function cartOwner(principal: Principal | undefined): number {
  const userId = Number(principal?.subject);
  if (!principal || !Number.isSafeInteger(userId) || userId < 1) throw forbidden('Carts belong to signed-in users.');
  return userId;
}
