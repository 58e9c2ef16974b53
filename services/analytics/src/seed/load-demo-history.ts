import type { Logger } from '@shop/platform';
import type { EventLog, IncomingEvent } from '../domain/ports.ts';
import { type DemoProduct, demoHistory } from './demo-history.ts';

/** Days of generated history: about four months, ending yesterday. */
export const DEMO_HISTORY_DAYS = 120;

export interface LoadDemoHistoryDeps {
  log: EventLog;
  /** The catalog the demo customers buy from (the product service's, at its prices). */
  catalog: { all(): Promise<DemoProduct[]> };
  currency: string;
  today: Date;
  /** Brings the rollups up to date with the history once it is logged. */
  refresh(): Promise<unknown>;
  logger: Logger;
  /** Aborted when the service closes: the load stops before its next step, nothing half-written. */
  signal: AbortSignal;
}

/**
 * A fresh demo shop's past: when the log holds no order event, DEMO_HISTORY_DAYS days of
 * generated orders over the catalog's products (seed/demo-history.ts) go into the log in
 * one transaction, then through the ETL. Returns the events logged (0 when there was
 * something already, the catalog is empty, or the load was stopped).
 */
export async function loadDemoHistory(deps: LoadDemoHistoryDeps): Promise<number> {
  const started = performance.now();
  if (await deps.log.holdsType('order.')) return 0;
  const products = await deps.catalog.all();
  if (deps.signal.aborted) return 0;
  if (products.length === 0) {
    deps.logger.info('no demo order history: the catalog has no product');
    return 0;
  }
  const events = demoHistory({ products, currency: deps.currency, days: DEMO_HISTORY_DAYS, today: deps.today });
  const incoming: IncomingEvent[] = events.map((event) => ({
    id: event.id,
    type: event.type,
    source: event.source,
    time: event.time ? new Date(event.time) : null,
    data: event.data,
  }));
  const logged = await deps.log.appendMany(incoming);
  if (deps.signal.aborted) return logged;
  await deps.refresh();
  deps.logger.info(
    {
      events: logged,
      products: products.length,
      days: DEMO_HISTORY_DAYS,
      duration_ms: Math.round(performance.now() - started),
    },
    'demo order history loaded',
  );
  return logged;
}
