import type { Logger } from '@shop/platform';
import { type EtlResult, type RunEtlDeps, runEtl } from '../domain/run-etl.ts';
import type { EtlSchedule } from './etl-schedule.ts';

/**
 * Runs the ETL on `schedule` (a pg-boss job every interval, across the replicas: see
 * etl-schedule.ts) and whenever an admin asks (refresh), never two runs at a time in this
 * process. A refresh asked for while a run goes on joins it and then the one run after it,
 * shared by every refresh that asked meanwhile: the run in progress may have read the log
 * before the caller's events arrived, the next one cannot have. Scheduled runs go through
 * refresh too.
 */
export class EtlJob {
  private running: Promise<EtlResult> | undefined;
  private following: Promise<EtlResult> | undefined;

  constructor(
    private readonly etl: RunEtlDeps,
    private readonly schedule: EtlSchedule,
    private readonly logger: Logger,
  ) {}

  /**
   * Runs once now, in-process (the rollups catch up with what arrived while the service was
   * down), and starts the schedule. Resolves when that first run ends, failed or not (a
   * failure is logged).
   */
  start(): Promise<void> {
    const first = this.scheduledRun().catch(() => undefined);
    this.schedule.start(() => this.scheduledRun());
    return first;
  }

  /** Brings the rollups up to date with everything logged before the call; what it took in, and the watermark. */
  async refresh(): Promise<EtlResult> {
    const current = this.running;
    if (!current) return this.begin();
    this.following ??= current
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.following = undefined;
        return this.running ?? this.begin();
      });
    const [joined, next] = await Promise.all([current.catch(() => null), this.following]);
    return { ...next, appliedEvents: (joined?.appliedEvents ?? 0) + next.appliedEvents };
  }

  /** Ends the schedule (this replica's part of it) and waits for the runs under way. */
  async stop(): Promise<void> {
    await this.schedule.stop();
    await Promise.allSettled([this.running, this.following]);
  }

  private begin(): Promise<EtlResult> {
    const run = runEtl(this.etl)
      .then((result) => {
        for (const event of result.skipped) {
          this.logger.warn(
            { sequence: event.sequence, event_id: event.id, type: event.type, errors: event.errors },
            'event the rollups cannot take; skipped',
          );
        }
        return result;
      })
      .finally(() => {
        if (this.running === run) this.running = undefined;
      });
    this.running = run;
    return run;
  }

  /** A run of the schedule's: logged; a failure is rethrown too, for pg-boss to mark its job failed. */
  private async scheduledRun(): Promise<void> {
    try {
      const result = await this.refresh();
      if (result.appliedEvents > 0) {
        this.logger.info({ applied: result.appliedEvents, watermark: result.watermark }, 'rollups brought up to date');
      }
    } catch (error) {
      this.logger.error({ err: error }, 'analytics ETL failed; retrying next interval');
      throw error;
    }
  }
}
