import { DomainError, type ServiceClient } from '@shop/platform';
import { ruleViolation } from '@shop/platform/errors';
import type { ProductGateway, RequestedItem, Reservation } from '../domain/ports.ts';

interface ReservationBody {
  reservation_id: string;
  status: Reservation['status'];
  lines: Array<{ product_id: number; name: string; unit_price_cents: number; quantity: number }>;
  errors?: Array<Record<string, unknown>>;
  detail?: string;
}

/** The product service's internal reservation API, called with the order service's own client token. */
export class HttpProductGateway implements ProductGateway {
  constructor(private readonly http: ServiceClient) {}

  async reserve(orderRef: string, items: readonly RequestedItem[]): Promise<Reservation> {
    const response = await this.http.call<ReservationBody>('POST', '/internal/reservations', {
      body: {
        order_ref: orderRef,
        items: items.map((item) => ({ product_id: item.productId, quantity: item.quantity })),
      },
      idempotent: true, // the same order_ref never reserves twice
    });
    const body = response.body;
    if (response.status === 200 || response.status === 201) {
      return {
        id: body.reservation_id,
        status: body.status,
        lines: body.lines.map((line) => ({
          productId: line.product_id,
          name: line.name,
          unitPriceCents: line.unit_price_cents,
          quantity: line.quantity,
        })),
      };
    }
    if (response.status === 409) {
      throw new DomainError('conflict', 'Not enough stock for every item; nothing was ordered.', {
        errors: body.errors,
      });
    }
    if (response.status === 422)
      throw ruleViolation(body.detail ?? 'Some items cannot be ordered.', { errors: body.errors });
    throw unexpected('reserve', response.status);
  }

  async commit(reservationId: string): Promise<void> {
    const response = await this.http.call('POST', `/internal/reservations/${reservationId}/commit`, {
      idempotent: true,
    });
    if (response.status === 200) return;
    if (response.status === 409)
      throw new DomainError('conflict', 'The stock reservation expired before the order was placed.');
    if (response.status === 404) throw new DomainError('not_found', 'The stock reservation does not exist.');
    throw unexpected('commit', response.status);
  }

  async release(reservationId: string): Promise<void> {
    const response = await this.http.call('DELETE', `/internal/reservations/${reservationId}`);
    if (response.status === 200 || response.status === 404) return;
    throw unexpected('release', response.status);
  }
}

/** 401/403 here mean the service's own credentials are wrong: the shop's fault, not the customer's. */
function unexpected(step: string, status: number): DomainError {
  return new DomainError('unavailable', `The product service refused the ${step} (${status}).`, {
    retryAfterSeconds: 5,
  });
}
