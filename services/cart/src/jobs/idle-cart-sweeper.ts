import type { Logger } from '@shop/platform';
import type { Clock, IdleCarts } from '../domain/ports.ts';

const BATCH = 500;
const DAY_MS = 86_400_000;

/**
 * Deletes carts nobody read or changed for `idleDays`, every `intervalSeconds`: in
 * PostgreSQL carts do not expire by themselves as Redis keys do. Safe with several
 * replicas (the store skips carts another sweep holds).
 */
export class IdleCartSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly carts: IdleCarts,
    private readonly clock: Clock,
    private readonly idleDays: number,
    private readonly intervalSeconds: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.intervalSeconds * 1000);
    this.timer.unref();
  }

  /** One sweep: deletes idle carts batch by batch until none is left. */
  sweep(): Promise<void> {
    this.running ??= this.deleteAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async deleteAll(): Promise<void> {
    const cutoff = new Date(this.clock.now().getTime() - this.idleDays * DAY_MS);
    try {
      let deleted: number;
      do {
        deleted = await this.carts.deleteIdleSince(cutoff, BATCH);
        if (deleted > 0) this.logger.info({ deleted }, 'idle carts deleted');
      } while (deleted === BATCH);
    } catch (error) {
      this.logger.error({ err: error }, 'idle cart sweep failed; retrying next interval');
    }
  }
}
