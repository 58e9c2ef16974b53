import { type NewReservation, RESERVATIONS_PATH, type ReservationView } from '@shop/contracts';
import { DomainError, type Problem, type ServiceClient } from '@shop/platform';
import { ruleViolation } from '@shop/platform/errors';
import type { ProductGateway, RequestedItem, Reservation } from '../domain/ports.ts';

/**
 * The product service's internal reservation API (`@shop/contracts`), called with the
 * order service's own client token. A success answers a ReservationView, a refusal problem+json.
 */
export class HttpProductGateway implements ProductGateway {
  constructor(private readonly http: ServiceClient) {}

  async reserve(orderRef: string, items: readonly RequestedItem[]): Promise<Reservation> {
    const request: NewReservation = {
      order_ref: orderRef,
      items: items.map((item) => ({ product_id: item.productId, quantity: item.quantity })),
    };
    const response = await this.http.call<ReservationView | Problem>('POST', RESERVATIONS_PATH, {
      body: request,
      idempotent: true, // the same order_ref never reserves twice
    });
    if (response.status === 200 || response.status === 201) return toReservation(response.body as ReservationView);
    const problem = response.body as Partial<Problem>;
    if (response.status === 409) {
      throw new DomainError('conflict', 'Not enough stock for every item; nothing was ordered.', {
        errors: problem.errors,
      });
    }
    if (response.status === 422)
      throw ruleViolation(problem.detail ?? 'Some items cannot be ordered.', { errors: problem.errors });
    throw unexpected('reserve', response.status);
  }

  async commit(reservationId: string): Promise<void> {
    const response = await this.http.call<ReservationView | Problem>(
      'POST',
      `${RESERVATIONS_PATH}/${reservationId}/commit`,
      { idempotent: true },
    );
    if (response.status === 200) return;
    if (response.status === 409)
      throw new DomainError('conflict', 'The stock reservation expired before the order was placed.');
    if (response.status === 404) throw new DomainError('not_found', 'The stock reservation does not exist.');
    throw unexpected('commit', response.status);
  }

  async release(reservationId: string): Promise<void> {
    const response = await this.http.call<ReservationView | Problem>('DELETE', `${RESERVATIONS_PATH}/${reservationId}`);
    if (response.status === 200 || response.status === 404) return;
    throw unexpected('release', response.status);
  }
}

function toReservation(view: ReservationView): Reservation {
  return {
    id: view.reservation_id,
    status: view.status,
    lines: view.lines.map((line) => ({
      productId: line.product_id,
      name: line.name,
      unitPriceCents: line.unit_price_cents,
      quantity: line.quantity,
    })),
  };
}

/** 401/403 here mean the service's own credentials are wrong: the shop's fault, not the customer's. */
function unexpected(step: string, status: number): DomainError {
  return new DomainError('unavailable', `The product service refused the ${step} (${status}).`, {
    retryAfterSeconds: 5,
  });
}
