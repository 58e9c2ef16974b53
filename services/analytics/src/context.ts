import type { Auth, Logger } from '@shop/platform';
import type { ForecastDeps } from './domain/forecasts.ts';
import type { ReportDeps } from './domain/reports.ts';
import type { EtlResult } from './domain/run-etl.ts';

/** Everything the routes hand to the use cases, built once in app.ts. */
export interface AnalyticsContext {
  reports: ReportDeps;
  /** The stored demand forecasts, the catalog's stock now, and the clock. */
  forecasts: ForecastDeps;
  /** Brings the rollups up to date now (joins a run in progress). */
  refresh(): Promise<EtlResult>;
  auth: Auth;
  logger: Logger;
}
