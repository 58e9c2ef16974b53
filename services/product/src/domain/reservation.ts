import type { ReservationView } from '@shop/contracts';
import { DomainError, ruleViolation } from '@shop/platform/errors';

export type ReservationStatus = 'held' | 'committed' | 'released' | 'expired';

export interface ReservationLine {
  productId: number;
  name: string;
  unitPriceCents: number;
  quantity: number;
}

export interface Reservation {
  id: string;
  orderRef: string;
  status: ReservationStatus;
  expiresAt: Date;
  lines: ReservationLine[];
}

export interface ReservationRequest {
  orderRef: string;
  items: Array<{ productId: number; quantity: number }>;
}

/** A reservation as the internal API answers it (`ReservationView` in `@shop/contracts`). */
export function toReservationView(reservation: Reservation): ReservationView {
  return {
    reservation_id: reservation.id,
    order_ref: reservation.orderRef,
    status: reservation.status,
    expires_at: reservation.expiresAt.toISOString(),
    lines: reservation.lines.map((line) => ({
      product_id: line.productId,
      name: line.name,
      unit_price_cents: line.unitPriceCents,
      quantity: line.quantity,
    })),
  };
}

/** A request lists each product once. */
export function checkDistinctProducts(request: ReservationRequest): void {
  const seen = new Set<number>();
  const duplicates = new Set<number>();
  for (const item of request.items) {
    if (seen.has(item.productId)) duplicates.add(item.productId);
    seen.add(item.productId);
  }
  if (duplicates.size > 0) {
    throw ruleViolation('Each product may appear once per reservation.', {
      errors: [...duplicates].map((productId) => ({ field: 'items', message: `product ${productId} appears twice` })),
    });
  }
}

/** Commit moves held → committed; committing twice is fine, a released or expired one is refused. */
export function refuseCommit(reservation: Reservation): DomainError | null {
  if (reservation.status === 'held' || reservation.status === 'committed') return null;
  return new DomainError('conflict', `The reservation is ${reservation.status}; it can no longer be committed.`);
}
