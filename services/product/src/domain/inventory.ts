import { DomainError, ruleViolation } from '@shop/platform/errors';
import { reservationNotFound } from './errors.ts';
import type { Clock, InventoryStore } from './ports.ts';
import { checkDistinctProducts, type Reservation, type ReservationRequest, refuseCommit } from './reservation.ts';

export interface InventoryDeps {
  inventory: InventoryStore;
  clock: Clock;
  /** How long a reservation holds stock before it expires by itself. */
  reservationTtlSeconds: number;
}

/**
 * Reserves stock for an order: all lines or none, at today's prices. The same
 * `orderRef` again returns the first reservation (`created: false`), so a retried
 * request never reserves twice. Not enough stock → 409 naming each short product.
 */
export async function reserve(
  request: ReservationRequest,
  deps: InventoryDeps,
): Promise<{ reservation: Reservation; created: boolean }> {
  checkDistinctProducts(request);
  const expiresAt = new Date(deps.clock.now().getTime() + deps.reservationTtlSeconds * 1000);
  const result = await deps.inventory.reserve(request, expiresAt);
  switch (result.kind) {
    case 'reserved':
      return { reservation: result.reservation, created: result.created };
    case 'unknown_products':
      throw ruleViolation(`Unknown or archived products: ${result.productIds.join(', ')}.`, {
        errors: result.productIds.map((id) => ({ field: 'items', message: `product ${id} is not for sale` })),
      });
    case 'short':
      throw new DomainError('conflict', 'Not enough stock for every line; nothing was reserved.', {
        errors: result.shortages,
      });
  }
}

/** The order is placed: the reservation's stock is sold. Committing twice is fine. */
export async function commitReservation(id: string, deps: InventoryDeps): Promise<Reservation> {
  const reservation = await deps.inventory.commit(id);
  if (!reservation) throw reservationNotFound(id);
  const refusal = refuseCommit(reservation);
  if (refusal) throw refusal;
  return reservation;
}

/**
 * An order was placed with this reservation (`order.placed`): its stock is sold. One no
 * longer held stays as it is: released by a cancellation that came first, or committed
 * already (a redelivered event, the expiry sweeper). False when nothing moved.
 */
export async function commitOrderedReservation(id: string, deps: Pick<InventoryDeps, 'inventory'>): Promise<boolean> {
  return deps.inventory.commitHeld(id);
}

/**
 * The order failed or was cancelled: the stock goes back. Releasing twice, or
 * releasing one that expired, changes nothing.
 */
export async function releaseReservation(id: string, deps: InventoryDeps): Promise<Reservation> {
  const reservation = await deps.inventory.release(id);
  if (!reservation) throw reservationNotFound(id);
  return reservation;
}

export async function getReservation(id: string, deps: InventoryDeps): Promise<Reservation> {
  const reservation = await deps.inventory.find(id);
  if (!reservation) throw reservationNotFound(id);
  return reservation;
}
