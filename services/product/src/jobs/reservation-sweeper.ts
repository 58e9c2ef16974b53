import type { Logger } from '@shop/platform';
import type { Clock, InventoryStore } from '../domain/ports.ts';

const BATCH = 200;

/**
 * Expires held reservations past their time and returns their stock, every
 * `intervalSeconds`. Safe with several replicas (the store skips locked rows).
 */
export class ReservationSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly inventory: InventoryStore,
    private readonly clock: Clock,
    private readonly intervalSeconds: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.intervalSeconds * 1000);
    this.timer.unref();
  }

  /** One sweep: expires due reservations batch by batch until none is left. */
  sweep(): Promise<void> {
    this.running ??= this.expireAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async expireAll(): Promise<void> {
    try {
      let expired: number;
      do {
        expired = await this.inventory.expireDue(this.clock.now(), BATCH);
        if (expired > 0) this.logger.info({ expired }, 'expired reservations returned their stock');
      } while (expired === BATCH);
    } catch (error) {
      this.logger.error({ err: error }, 'reservation sweep failed; retrying next interval');
    }
  }
}
