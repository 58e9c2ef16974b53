import type { OrderStore } from './ports.ts';

export type ReservationOutcome = 'commit' | 'release';

/** A reservation the product service holds, with the ref it was made under (an attempt id). */
export interface HeldReservation {
  reservationId: string;
  orderRef: string;
}

export interface ReservationOutcomeDeps {
  orders: OrderStore;
}

/**
 * What the product service should do with held reservations it is about to expire.
 * Commit when a live order holds one: a confirmed order never loses its stock. Release
 * when its order was cancelled, or when no order holds it; then no order ever will (the
 * store fences the attempt as it answers), so the stock may go back for good.
 */
export async function reservationOutcomes(
  reservations: readonly HeldReservation[],
  deps: ReservationOutcomeDeps,
): Promise<Array<{ reservationId: string; outcome: ReservationOutcome }>> {
  const outcomes: Array<{ reservationId: string; outcome: ReservationOutcome }> = [];
  for (const { reservationId, orderRef } of reservations) {
    const status = await deps.orders.orderOfReservation(reservationId, orderRef);
    outcomes.push({ reservationId, outcome: status === null || status === 'cancelled' ? 'release' : 'commit' });
  }
  return outcomes;
}
