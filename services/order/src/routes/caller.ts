import type { Principal } from '@shop/platform';
import { forbidden } from '@shop/platform/errors';
import type { Caller } from '../domain/manage-orders.ts';

/** The signed-in user behind a request; service tokens (no user id) have no orders. */
export function callerOf(principal: Principal | undefined): Caller & { email: string; token: string } {
  const userId = Number(principal?.subject);
  if (!principal || !Number.isSafeInteger(userId) || userId < 1) throw forbidden('Orders belong to signed-in users.');
  return {
    userId,
    email: principal.email ?? '',
    token: principal.token,
    canReadAll: principal.scopes.has('order:read-all'),
    canWrite: principal.scopes.has('order:write'),
  };
}
