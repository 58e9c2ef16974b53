import { type Logger, PeriodicJob } from '@shop/platform';
import { DomainError } from '@shop/platform/errors';
import type { OrderStore, PendingReservation, ProductGateway } from '../domain/ports.ts';

/**
 * Finishes reservation calls the saga could not make at the time (the product service
 * was down): commits for placed orders, releases for cancelled ones. Both calls are
 * idempotent, so repeating one is harmless.
 */
export class ReservationReconciler extends PeriodicJob {
  constructor(orders: OrderStore, products: ProductGateway, intervalSeconds: number, logger: Logger) {
    super(() => settleAll(orders, products, logger), intervalSeconds);
  }
}

/** Settles pending reservation calls in order; stops at the first that still fails (the service is still down). */
async function settleAll(orders: OrderStore, products: ProductGateway, logger: Logger): Promise<void> {
  try {
    for (const pending of await orders.pendingReservations(100)) {
      if (!(await settle(pending, orders, products, logger))) return;
    }
  } catch (error) {
    logger.warn({ err: error }, 'reconciling reservations failed; will retry');
  }
}

/** One call; false when it is still failing and the rest should wait for the next run. */
async function settle(
  pending: PendingReservation,
  orders: OrderStore,
  products: ProductGateway,
  logger: Logger,
): Promise<boolean> {
  try {
    if (pending.action === 'commit') await products.commit(pending.reservationId);
    else await products.release(pending.reservationId);
  } catch (error) {
    if (!(error instanceof DomainError && (error.code === 'conflict' || error.code === 'not_found'))) {
      logger.warn({ err: error, order_id: pending.id }, 'reservation call still failing; will retry');
      return false;
    }
    // The reservation expired (or vanished) before its commit could land: the order needs a person.
    logger.error({ order_id: pending.id }, 'order lost its stock reservation; review it');
  }
  await orders.reservationSettled(pending.id, pending.action);
  return true;
}
