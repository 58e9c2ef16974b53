import type { Logger } from '@shop/platform';
import { DomainError } from '@shop/platform/errors';
import type { OrderStore, ProductGateway } from '../domain/ports.ts';

/**
 * Finishes reservation calls the saga could not make at the time (the product service
 * was down): commits for placed orders, releases for cancelled ones. Both calls are
 * idempotent, so repeating one is harmless.
 */
export class ReservationReconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly orders: OrderStore,
    private readonly products: ProductGateway,
    private readonly intervalSeconds: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.intervalSeconds * 1000);
    this.timer.unref();
  }

  runOnce(): Promise<void> {
    this.running ??= this.settleAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async settleAll(): Promise<void> {
    for (const pending of await this.orders.pendingReservations(100)) {
      try {
        if (pending.action === 'commit') await this.products.commit(pending.reservationId);
        else await this.products.release(pending.reservationId);
        await this.orders.reservationSettled(pending.id, pending.action);
      } catch (error) {
        if (error instanceof DomainError && (error.code === 'conflict' || error.code === 'not_found')) {
          // The reservation expired (or vanished) before its commit could land: the order needs a person.
          this.logger.error({ order_id: pending.id }, 'order lost its stock reservation; review it');
          await this.orders.reservationSettled(pending.id, pending.action);
        } else {
          this.logger.warn({ err: error, order_id: pending.id }, 'reservation call still failing; will retry');
          return;
        }
      }
    }
  }
}
