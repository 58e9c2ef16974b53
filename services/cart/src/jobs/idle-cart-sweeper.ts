import { type Logger, PeriodicJob } from '@shop/platform';
import type { Clock, IdleCarts } from '../domain/ports.ts';

const BATCH = 500;
const DAY_MS = 86_400_000;

/**
 * Deletes carts nobody read or changed for `idleDays`, every `intervalSeconds`: in
 * PostgreSQL carts do not expire by themselves as Redis keys do. Safe with several
 * replicas (the store skips carts another sweep holds).
 */
export class IdleCartSweeper extends PeriodicJob {
  constructor(carts: IdleCarts, clock: Clock, idleDays: number, intervalSeconds: number, logger: Logger) {
    super(() => deleteIdle(carts, new Date(clock.now().getTime() - idleDays * DAY_MS), logger), intervalSeconds);
  }
}

/** Deletes carts idle since `cutoff`, batch by batch until none is left. */
async function deleteIdle(carts: IdleCarts, cutoff: Date, logger: Logger): Promise<void> {
  try {
    let deleted: number;
    do {
      deleted = await carts.deleteIdleSince(cutoff, BATCH);
      if (deleted > 0) logger.info({ deleted }, 'idle carts deleted');
    } while (deleted === BATCH);
  } catch (error) {
    logger.error({ err: error }, 'idle cart sweep failed; retrying next interval');
  }
}
