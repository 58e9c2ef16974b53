import { type Counter, type Logger, PeriodicJob, type Registry, registerCounter } from '@shop/platform';
import { DomainError } from '@shop/platform/errors';
import { type ExpiryDeps, settleDueReservations } from '../domain/expiry.ts';

const BATCH = 200;

/**
 * Settles held reservations past their time every `intervalSeconds`, as the order
 * service answers for each (see settleDueReservations). Safe with several replicas
 * (the store skips rows another one is settling).
 */
export class ReservationSweeper extends PeriodicJob {
  constructor(deps: ExpiryDeps, intervalSeconds: number, logger: Logger, metrics: Registry) {
    const expiredCount = registerCounter(metrics, {
      name: 'reservations_expired_total',
      help: 'Overdue stock reservations the sweeper expired (no order held them), their stock returned',
    });
    super(() => sweep(deps, logger, expiredCount), intervalSeconds);
  }
}

async function sweep(deps: ExpiryDeps, logger: Logger, expiredCount: Counter): Promise<void> {
  try {
    const { committed, expired } = await settleDueReservations(deps, BATCH);
    expiredCount.inc(expired);
    if (committed > 0) logger.info({ committed }, 'overdue reservations with an order committed');
    if (expired > 0) logger.info({ expired }, 'overdue reservations without an order expired; their stock returned');
  } catch (error) {
    if (error instanceof DomainError && error.code === 'unavailable') {
      logger.warn(
        { err: error },
        'overdue reservations stay held: the order service could not say what became of them; asking again next sweep',
      );
    } else {
      logger.error({ err: error }, 'reservation sweep failed; retrying next interval');
    }
  }
}
