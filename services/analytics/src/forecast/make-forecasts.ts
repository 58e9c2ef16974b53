import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from '@shop/platform';
import { formatDay, parseDay, utcDay } from '../domain/calendar.ts';
import { FORECAST_HISTORY_DAYS, FORECAST_HORIZON_DAYS, FORECAST_LEVEL, round2 } from '../domain/forecasts.ts';
import type { AnalyticsStore, ForecastStore, ProductDayUnits, ProductForecast } from '../domain/ports.ts';
import { type DemandForecast, forecastDemand, type Model, seasonalAverage } from './demand-forecast.ts';

export interface MakeForecastsDeps {
  store: ForecastStore;
  /** The daily product sales the forecasts learn from. */
  sales: Pick<AnalyticsStore, 'dailyUnits'>;
  model: Model;
  logger: Logger;
  /** Asked between products: true ends the run at once, nothing written (the service is closing). */
  stopping?: () => boolean;
}

export type ForecastRun =
  /** Made and stored: every product's forecast replaced. */
  | { outcome: 'made'; madeOn: string; products: number; ms: number }
  /** Today's were there already (made earlier today, or by another replica meanwhile). */
  | { outcome: 'already_made'; madeOn: string }
  /** Ended by `stopping`, nothing written. */
  | { outcome: 'stopped'; madeOn: string };

/**
 * Makes today's (UTC) demand forecasts unless they are made already: for every product
 * sold in the last FORECAST_HISTORY_DAYS days up to yesterday, its daily units from its
 * first sale day in that window to yesterday (days without sales as 0), forecast for
 * FORECAST_HORIZON_DAYS days from today on, to the hundredth of a unit. All are stored in
 * one transaction, replacing every forecast before them. Each product yields to the event
 * loop first, so requests are served between them.
 */
export async function makeForecasts(now: Date, deps: MakeForecastsDeps): Promise<ForecastRun> {
  const madeOn = utcDay(now);
  const stored = await deps.store.madeOn();
  if (stored !== null && stored >= madeOn) return { outcome: 'already_made', madeOn };
  const started = performance.now();
  const today = parseDay(madeOn) as number;
  const history = await deps.sales.dailyUnits({
    from: formatDay(today - FORECAST_HISTORY_DAYS),
    to: formatDay(today - 1),
  });
  const forecasts: ProductForecast[] = [];
  for (const [productId, series] of dailySeries(history, today - 1)) {
    await nextTurn();
    if (deps.stopping?.()) return { outcome: 'stopped', madeOn };
    const forecast = forecastProduct(productId, series, deps);
    forecasts.push({
      productId,
      madeOn,
      method: forecast.method,
      backtestWape: forecast.backtestWape,
      points: forecast.point.map((units, day) => ({
        date: formatDay(today + day),
        units: round2(units),
        lower: round2(forecast.lower[day] ?? units),
        upper: round2(forecast.upper[day] ?? units),
      })),
    });
  }
  if (deps.stopping?.()) return { outcome: 'stopped', madeOn };
  if (!(await deps.store.replace(madeOn, forecasts))) return { outcome: 'already_made', madeOn };
  return { outcome: 'made', madeOn, products: forecasts.length, ms: Math.round(performance.now() - started) };
}

/**
 * Each product's daily units, oldest first, from its first day in `rows` to `lastDay` (a
 * day number), the days without a row as 0; rows after `lastDay` are left out.
 */
export function dailySeries(rows: readonly ProductDayUnits[], lastDay: number): Map<number, number[]> {
  const days = rows.flatMap((row) => {
    const day = parseDay(row.day);
    return day === null || day > lastDay ? [] : [{ ...row, day }];
  });
  const first = new Map<number, number>();
  for (const row of days) first.set(row.productId, Math.min(row.day, first.get(row.productId) ?? row.day));
  const series = new Map<number, number[]>();
  for (const [productId, day] of [...first].sort(([a], [b]) => a - b)) {
    series.set(productId, new Array<number>(lastDay - day + 1).fill(0));
  }
  for (const row of days) {
    const units = series.get(row.productId) as number[];
    const index = row.day - (first.get(row.productId) as number);
    units[index] = (units[index] ?? 0) + row.units;
  }
  return series;
}

/** The model's forecast; should the model fail on a series, the seasonal average's, named as such. */
function forecastProduct(productId: number, series: readonly number[], deps: MakeForecastsDeps): DemandForecast {
  const options = { horizon: FORECAST_HORIZON_DAYS, level: FORECAST_LEVEL };
  try {
    const forecast = forecastDemand(series, deps.model, options);
    if ([forecast.point, forecast.lower, forecast.upper].flat().every(Number.isFinite)) return forecast;
    throw new Error('the model forecast a value that is not a number');
  } catch (error) {
    deps.logger.warn({ err: error, product_id: productId }, 'demand model failed; seasonal average instead');
    return { ...forecastDemand(series, seasonalAverage, options), method: 'seasonal_average' };
  }
}
