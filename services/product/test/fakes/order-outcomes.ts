import { DomainError } from '@shop/platform/errors';
import type { DueReservation, OrderOutcomes, ReservationOutcome } from '../../src/domain/ports.ts';

/**
 * The order service's answers as a test sets them, by order ref: an order for a ref
 * (`placed`) is a commit, a cancelled one (`cancelled`) or none at all a release. `down()`
 * makes it unable to answer, as HttpOrderOutcomes is when the order service is away.
 */
export class FakeOrderOutcomes implements OrderOutcomes {
  readonly asked: DueReservation[][] = [];
  private readonly orders = new Map<string, 'confirmed' | 'cancelled'>();
  private unreachable = false;
  /** Refs it does not answer for, as if its answer left them out. */
  private readonly silentOn = new Set<string>();

  placed(orderRef: string): this {
    this.orders.set(orderRef, 'confirmed');
    return this;
  }

  cancelled(orderRef: string): this {
    this.orders.set(orderRef, 'cancelled');
    return this;
  }

  silent(orderRef: string): this {
    this.silentOn.add(orderRef);
    return this;
  }

  answers(orderRef: string): this {
    this.silentOn.delete(orderRef);
    return this;
  }

  down(): void {
    this.unreachable = true;
  }

  up(): void {
    this.unreachable = false;
  }

  async outcomes(reservations: readonly DueReservation[]): Promise<Map<string, ReservationOutcome>> {
    this.asked.push([...reservations]);
    if (this.unreachable) throw new DomainError('unavailable', 'The order service is unreachable.');
    const answers = new Map<string, ReservationOutcome>();
    for (const reservation of reservations) {
      if (this.silentOn.has(reservation.orderRef)) continue;
      answers.set(reservation.id, this.orders.get(reservation.orderRef) === 'confirmed' ? 'commit' : 'release');
    }
    return answers;
  }
}
