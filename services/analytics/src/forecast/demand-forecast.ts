/**
 * Demand forecasts from daily units sold: the rules, free of any model library. A model
 * is a function (MSTL + AutoETS from augurs in the service; anything in a test), chosen
 * here by how much history a product has, and judged by its error on the last days it
 * did not see (a backtest).
 */

import type { ForecastMethod } from '../domain/ports.ts';

export type { ForecastMethod };

/** Daily demand follows the week. */
export const SEASON_DAYS = 7;
/** A model needs two full weeks to learn the week, and a backtest needs a horizon more. */
export const MODEL_MIN_DAYS = 2 * SEASON_DAYS;

export interface Prediction {
  point: number[];
  lower: number[];
  upper: number[];
}

/** Fits `history` (one value per day, oldest first) and predicts `horizon` days with an interval at `level` (0..1). */
export type Model = (history: readonly number[], horizon: number, level: number) => Prediction;

export interface DemandForecast extends Prediction {
  method: ForecastMethod;
  /**
   * Weighted absolute percentage error of the same method on the last `horizon` days of
   * the history, fitted without them (sum of |actual − predicted| / sum of actual), or
   * null when the history is too short to hold days back or sold nothing in them.
   */
  backtestWape: number | null;
}

export interface ForecastOptions {
  horizon: number;
  /** The interval's coverage, e.g. 0.8 for an 80 % interval. */
  level: number;
}

/**
 * The forecast for one product: the model when the history is long enough for it (at
 * least MODEL_MIN_DAYS), else the seasonal average; never negative, the interval around
 * the point. The backtest refits the same method on the history without its last
 * `horizon` days.
 */
export function forecastDemand(history: readonly number[], model: Model, options: ForecastOptions): DemandForecast {
  const { horizon, level } = options;
  const method: ForecastMethod = history.length >= MODEL_MIN_DAYS ? 'mstl_ets' : 'seasonal_average';
  const predict = (series: readonly number[], days: number): Prediction =>
    clamp(
      method === 'mstl_ets' && series.length >= MODEL_MIN_DAYS
        ? model(series, days, level)
        : seasonalAverage(series, days, level),
    );
  const prediction = predict(history, horizon);
  // Held back: the last `horizon` days. A history no longer than that has none to hold back
  // (slice with a negative end would train on the very days it is judged on).
  const training = history.length > horizon ? history.slice(0, history.length - horizon) : [];
  const backtestWape =
    training.length >= SEASON_DAYS ? wape(history.slice(-horizon), predict(training, horizon).point) : null;
  return { method, backtestWape, ...prediction };
}

/**
 * The baseline a model must beat: each day of the horizon sells what the same weekday
 * sold in the last week of the history.
 */
export function seasonalNaive(history: readonly number[], horizon: number): number[] {
  const lastWeek = history.slice(-SEASON_DAYS);
  return Array.from({ length: horizon }, (_, day) => lastWeek[day % lastWeek.length] ?? 0);
}

/**
 * For short histories: each day of the horizon sells the average of the same weekday over
 * the last four weeks the history has (the overall average where a weekday has not come
 * yet), with an interval from the spread of the history around those averages.
 */
export function seasonalAverage(history: readonly number[], horizon: number, level: number): Prediction {
  const recent = history.slice(-4 * SEASON_DAYS);
  const overall = recent.length === 0 ? 0 : recent.reduce((sum, value) => sum + value, 0) / recent.length;
  // Day `i` of the horizon is the weekday of history index `history.length + i`.
  const offset = history.length - recent.length;
  const byWeekday = Array.from({ length: SEASON_DAYS }, (_, weekday) => {
    const values = recent.filter((_, index) => (offset + index) % SEASON_DAYS === weekday);
    return values.length === 0 ? overall : values.reduce((sum, value) => sum + value, 0) / values.length;
  });
  const residuals = recent.map((value, index) => value - (byWeekday[(offset + index) % SEASON_DAYS] ?? overall));
  const spread =
    residuals.length > 1
      ? Math.sqrt(residuals.reduce((sum, value) => sum + value * value, 0) / (residuals.length - 1))
      : overall;
  const width = normalQuantile((1 + level) / 2) * spread;
  const point = Array.from({ length: horizon }, (_, day) => byWeekday[(history.length + day) % SEASON_DAYS] ?? overall);
  return { point, lower: point.map((value) => value - width), upper: point.map((value) => value + width) };
}

/** Sum of absolute errors over sum of actuals; null when nothing was sold (no scale to weigh by). */
export function wape(actual: readonly number[], predicted: readonly number[]): number | null {
  let error = 0;
  let total = 0;
  actual.forEach((value, day) => {
    error += Math.abs(value - (predicted[day] ?? 0));
    total += Math.abs(value);
  });
  return total === 0 ? null : error / total;
}

/** Demand is never negative; the interval always holds the point. */
function clamp(prediction: Prediction): Prediction {
  const point = prediction.point.map((value) => Math.max(0, value));
  return {
    point,
    lower: prediction.lower.map((value, day) => Math.max(0, Math.min(value, point[day] ?? value))),
    upper: prediction.upper.map((value, day) => Math.max(value, point[day] ?? value, 0)),
  };
}

/** The standard normal's quantile (Acklam's rational approximation, error below 1e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.6968302866538, 220.946098424521, -275.928510446969, 138.357751867269, -30.6647980661472, 2.50662827745924,
  ];
  const b = [-54.4760987982241, 161.585836858041, -155.698979859887, 66.8013118877197, -13.2806815528857];
  const c = [
    -0.00778489400243029, -0.322396458041136, -2.40075827716184, -2.54973253934373, 4.37466414146497, 2.93816398269878,
  ];
  const d = [0.00778469570904146, 0.32246712907004, 2.445134137143, 3.75440866190742];
  const low = 0.02425;
  const poly = (k: number[], x: number) => k.reduce((sum, coefficient) => sum * x + coefficient, 0);
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}
