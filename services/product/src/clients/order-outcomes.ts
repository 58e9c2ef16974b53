import { DomainError, type ServiceClient } from '@shop/platform';
import type { DueReservation, OrderOutcomes, ReservationOutcome } from '../domain/ports.ts';

interface OutcomesBody {
  outcomes: Array<{ reservation_id: string; outcome: string }>;
}

/** The order service's answer about held reservations, asked with this service's own client token. */
export class HttpOrderOutcomes implements OrderOutcomes {
  constructor(private readonly http: ServiceClient) {}

  async outcomes(reservations: readonly DueReservation[]): Promise<Map<string, ReservationOutcome>> {
    const response = await this.http.call<OutcomesBody>('POST', '/internal/reservations/outcomes', {
      body: {
        reservations: reservations.map((reservation) => ({
          reservation_id: reservation.id,
          order_ref: reservation.orderRef,
        })),
      },
      idempotent: true, // asking again gets the same answers
    });
    if (response.status !== 200 || !Array.isArray(response.body?.outcomes)) {
      // 401/403: this service's own credentials are wrong; it is not an answer either way.
      throw new DomainError('unavailable', `The order service refused to answer (${response.status}).`);
    }
    const answers = new Map<string, ReservationOutcome>();
    for (const { reservation_id: id, outcome } of response.body.outcomes) {
      if (outcome === 'commit' || outcome === 'release') answers.set(id, outcome);
    }
    return answers;
  }
}
