import { type Logger, PeriodicJob } from '@shop/platform';
import type { AnalyticsStore, ForecastStore } from '../domain/ports.ts';
import type { Model } from '../forecast/demand-forecast.ts';
import { type ForecastRun, makeForecasts } from '../forecast/make-forecasts.ts';

/** How often the job checks whether today's forecasts are made: hourly, so a new day's come within the hour. */
export const FORECAST_CHECK_SECONDS = 3_600;

export interface ForecastJobDeps {
  store: ForecastStore;
  /** The daily product sales the forecasts learn from. */
  sales: Pick<AnalyticsStore, 'dailyUnits'>;
  model: Model;
  /** The clock: which day is today (UTC). */
  now: () => Date;
  logger: Logger;
}

/**
 * Makes the day's demand forecasts (forecast/make-forecasts.ts): checks every hour whether
 * today's (UTC) are made, and makes them when not. Runs never overlap: one asked for while
 * another goes on runs after it (and finds today's made, unless the day changed). Stopping
 * ends a run between two products, nothing written.
 */
export class ForecastJob {
  private readonly schedule: PeriodicJob;
  private running: Promise<ForecastRun> | undefined;
  private stopping = false;

  constructor(
    private readonly deps: ForecastJobDeps,
    intervalSeconds: number = FORECAST_CHECK_SECONDS,
  ) {
    this.schedule = new PeriodicJob(() => this.scheduledRun(), intervalSeconds);
  }

  /** Checks on schedule from now on, and once as soon as `after` settles (the ETL's first run: the rollups caught up). */
  start(after: Promise<unknown>): void {
    this.schedule.start();
    const first = () => {
      if (!this.stopping) void this.schedule.runOnce();
    };
    void after.then(first, first);
  }

  /** Makes today's forecasts unless they are made; after the run under way, if any. */
  run(): Promise<ForecastRun> {
    const before = this.running?.then(
      () => undefined,
      () => undefined,
    );
    const run = (before ?? Promise.resolve()).then(() =>
      makeForecasts(this.deps.now(), { ...this.deps, stopping: () => this.stopping }),
    );
    this.running = run;
    void run
      .finally(() => {
        if (this.running === run) this.running = undefined;
      })
      .catch(() => undefined);
    return run;
  }

  /** A run in the background, logged like the scheduled ones (after new rollups, say). */
  trigger(): void {
    if (!this.stopping) void this.scheduledRun();
  }

  /** Ends the schedule and the run under way (between two products), and waits for it. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.schedule.stop();
    await this.running?.catch(() => undefined);
  }

  private async scheduledRun(): Promise<void> {
    try {
      const result = await this.run();
      if (result.outcome === 'made') {
        // A shop without sales yet has nothing to forecast: not worth an info line every hour.
        this.deps.logger[result.products > 0 ? 'info' : 'debug'](
          { made_on: result.madeOn, products: result.products, duration_ms: result.ms },
          'demand forecasts made',
        );
      }
    } catch (error) {
      this.deps.logger.error({ err: error }, 'demand forecasts failed; retrying at the next check');
    }
  }
}
