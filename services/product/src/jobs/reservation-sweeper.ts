import { type Logger, PeriodicJob } from '@shop/platform';
import type { Clock, InventoryStore } from '../domain/ports.ts';

const BATCH = 200;

/**
 * Expires held reservations past their time and returns their stock, every
 * `intervalSeconds`. Safe with several replicas (the store skips locked rows).
 */
export class ReservationSweeper extends PeriodicJob {
  constructor(inventory: InventoryStore, clock: Clock, intervalSeconds: number, logger: Logger) {
    super(() => expireAll(inventory, clock, logger), intervalSeconds);
  }
}

/** Expires due reservations batch by batch until none is left. */
async function expireAll(inventory: InventoryStore, clock: Clock, logger: Logger): Promise<void> {
  try {
    let expired: number;
    do {
      expired = await inventory.expireDue(clock.now(), BATCH);
      if (expired > 0) logger.info({ expired }, 'expired reservations returned their stock');
    } while (expired === BATCH);
  } catch (error) {
    logger.error({ err: error }, 'reservation sweep failed; retrying next interval');
  }
}
