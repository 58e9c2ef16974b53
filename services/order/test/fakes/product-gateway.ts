import { randomUUID } from 'node:crypto';
import { DomainError, ruleViolation } from '@shop/platform/errors';
import type { OrderLine } from '../../src/domain/order.ts';
import type { ProductGateway, RequestedItem, Reservation } from '../../src/domain/ports.ts';

export type GatewayStep = 'reserve' | 'commit' | 'release';

interface FakeProduct {
  name: string;
  priceCents: number;
  stock: number;
}

interface StoredReservation extends Reservation {
  orderRef: string;
}

/** The error HttpProductGateway throws when the product service cannot be reached. */
export const productServiceDown = () =>
  new DomainError('unavailable', 'The product service is unreachable.', { retryAfterSeconds: 1 });

/**
 * The product service's inventory as the saga sees it: stock, today's prices and
 * reservations with the same rules as the real one (all lines or none, idempotent by
 * order ref, commit and release idempotent, release after commit returns the stock).
 * Each step can be made to fail, and every call is counted.
 */
export class FakeProductGateway implements ProductGateway {
  readonly calls: Record<GatewayStep, number> = { reserve: 0, commit: 0, release: 0 };
  /** Every call in order: the order ref for reserve, the reservation id otherwise. */
  readonly log: Array<{ step: GatewayStep; arg: string }> = [];
  private readonly products = new Map<number, FakeProduct>();
  private readonly reservations = new Map<string, StoredReservation>();
  private readonly failures = new Map<GatewayStep, { error: () => Error; times: number }>();
  private readonly pauses = new Map<GatewayStep, { reached: () => void; resumed: Promise<void> }>();

  addProduct(id: number, product: Partial<FakeProduct> & { stock: number }): this {
    this.products.set(id, { name: `Product ${id}`, priceCents: 100, ...product });
    return this;
  }

  setPrice(id: number, priceCents: number): void {
    this.product(id).priceCents = priceCents;
  }

  stockOf(id: number): number {
    return this.product(id).stock;
  }

  reservation(id: string): StoredReservation | undefined {
    return this.reservations.get(id);
  }

  reservationFor(orderRef: string): StoredReservation | undefined {
    return [...this.reservations.values()].find((reservation) => reservation.orderRef === orderRef);
  }

  allReservations(): StoredReservation[] {
    return [...this.reservations.values()];
  }

  /** The next `times` calls of `step` throw (and change nothing). */
  failOn(step: GatewayStep, error: () => Error = productServiceDown, times = Number.POSITIVE_INFINITY): void {
    this.failures.set(step, { error, times });
  }

  heal(step: GatewayStep): void {
    this.failures.delete(step);
  }

  /**
   * The next call of `step` waits before doing anything until `resume()`; `reached`
   * resolves once it is waiting.
   */
  pause(step: GatewayStep): { reached: Promise<void>; resume: () => void } {
    let reached!: () => void;
    let resume!: () => void;
    const reachedPromise = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const resumed = new Promise<void>((resolve) => {
      resume = resolve;
    });
    this.pauses.set(step, { reached, resumed });
    return { reached: reachedPromise, resume };
  }

  /** What the product service's sweeper does to a reservation past its expiry. */
  expire(id: string): void {
    const reservation = this.reservations.get(id);
    if (reservation?.status !== 'held') return;
    this.giveBack(reservation.lines);
    reservation.status = 'expired';
  }

  async reserve(orderRef: string, items: readonly RequestedItem[]): Promise<Reservation> {
    await this.enter('reserve', orderRef);
    const existing = this.reservationFor(orderRef);
    if (existing) return copy(existing);
    const unknown = items.filter((item) => !this.products.has(item.productId)).map((item) => item.productId);
    if (unknown.length > 0) {
      throw ruleViolation(`Unknown or archived products: ${unknown.join(', ')}.`, {
        errors: unknown.map((id) => ({ field: 'items', message: `product ${id} is not for sale` })),
      });
    }
    const shortages = items
      .filter((item) => this.product(item.productId).stock < item.quantity)
      .map((item) => ({
        product_id: item.productId,
        requested: item.quantity,
        available: this.product(item.productId).stock,
      }));
    if (shortages.length > 0) {
      throw new DomainError('conflict', 'Not enough stock for every item; nothing was ordered.', { errors: shortages });
    }
    const lines: OrderLine[] = items.map((item) => {
      const product = this.product(item.productId);
      product.stock -= item.quantity;
      return {
        productId: item.productId,
        name: product.name,
        unitPriceCents: product.priceCents,
        quantity: item.quantity,
      };
    });
    const reservation: StoredReservation = { id: randomUUID(), orderRef, status: 'held', lines };
    this.reservations.set(reservation.id, reservation);
    return copy(reservation);
  }

  async commit(reservationId: string): Promise<void> {
    await this.enter('commit', reservationId);
    const reservation = this.reservations.get(reservationId);
    if (!reservation) throw new DomainError('not_found', `No reservation ${reservationId}.`);
    if (reservation.status === 'held') reservation.status = 'committed';
    else if (reservation.status !== 'committed') {
      throw new DomainError('conflict', 'The stock reservation expired before the order was placed.');
    }
  }

  async release(reservationId: string): Promise<void> {
    await this.enter('release', reservationId);
    const reservation = this.reservations.get(reservationId);
    if (!reservation || reservation.status === 'released' || reservation.status === 'expired') return;
    this.giveBack(reservation.lines);
    reservation.status = 'released';
  }

  private async enter(step: GatewayStep, arg: string): Promise<void> {
    this.calls[step] += 1;
    this.log.push({ step, arg });
    const pause = this.pauses.get(step);
    if (pause) {
      this.pauses.delete(step);
      pause.reached();
      await pause.resumed;
    }
    const failure = this.failures.get(step);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      throw failure.error();
    }
  }

  private giveBack(lines: readonly OrderLine[]): void {
    for (const line of lines) this.product(line.productId).stock += line.quantity;
  }

  private product(id: number): FakeProduct {
    const product = this.products.get(id);
    if (!product) throw new Error(`the fake has no product ${id}`);
    return product;
  }
}

function copy(reservation: StoredReservation): Reservation {
  return {
    id: reservation.id,
    status: reservation.status,
    lines: reservation.lines.map((line) => ({ ...line })),
  };
}
