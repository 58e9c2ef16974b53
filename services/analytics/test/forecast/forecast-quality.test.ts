import { mulberry32, poisson } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import { forecastDemand, seasonalNaive, wape } from '../../src/forecast/demand-forecast.ts';
import { mstlEtsModel } from '../../src/forecast/mstl-model.ts';

const HORIZON = 14;
const HISTORY_DAYS = 120;
const PRODUCTS = 100;

/** Poisson counts around a level that trends and follows the week, as a product's daily units do. */
function demandSeries(random: () => number, days: number): number[] {
  const level = 2 + random() * 30;
  const slope = (random() - 0.3) * (level / days);
  const week = Array.from({ length: 7 }, () => 0.6 + random() * 0.9);
  return Array.from({ length: days }, (_, day) => {
    const mean = Math.max(0, (level + slope * day) * (week[day % 7] ?? 1));
    return poisson(mean, random);
  });
}

describe('demand forecast quality', () => {
  it(`beats the seasonal-naive baseline's WAPE on ${PRODUCTS} generated products over a ${HORIZON}-day holdout`, () => {
    const random = mulberry32(42);
    let modelError = 0;
    let naiveError = 0;
    let sold = 0;
    let covered = 0;
    let held = 0;
    const started = performance.now();
    for (let product = 0; product < PRODUCTS; product++) {
      const series = demandSeries(random, HISTORY_DAYS + HORIZON);
      const history = series.slice(0, HISTORY_DAYS);
      const actual = series.slice(HISTORY_DAYS);
      const forecast = forecastDemand(history, mstlEtsModel, { horizon: HORIZON, level: 0.8 });
      expect(forecast.method).toBe('mstl_ets');
      expect(forecast.backtestWape).not.toBeNull();
      const naive = seasonalNaive(history, HORIZON);
      actual.forEach((units, day) => {
        modelError += Math.abs(units - (forecast.point[day] ?? 0));
        naiveError += Math.abs(units - (naive[day] ?? 0));
        sold += units;
        held++;
        if (units >= (forecast.lower[day] ?? 0) && units <= (forecast.upper[day] ?? 0)) covered++;
      });
    }
    const perProductMs = (performance.now() - started) / PRODUCTS;
    const modelWape = modelError / sold;
    const naiveWape = naiveError / sold;
    console.log(
      `forecast: WAPE ${(modelWape * 100).toFixed(1)} % (seasonal naive ${(naiveWape * 100).toFixed(1)} %), ` +
        `80 % interval held ${((covered / held) * 100).toFixed(0)} % of the days, ${perProductMs.toFixed(1)} ms per product (forecast and backtest)`,
    );
    expect(modelWape).toBeLessThan(naiveWape);
    // An 80 % interval should hold most days; a band far too narrow or too wide fails this.
    expect(covered / held).toBeGreaterThan(0.6);
    expect(covered / held).toBeLessThan(0.97);
  });

  it('falls back to the seasonal average for a short history, and its backtest is measured when days can be held back', () => {
    const history = [3, 1, 2, 5, 4, 8, 9, 3, 1, 2, 5, 4];
    const forecast = forecastDemand(history, mstlEtsModel, { horizon: 3, level: 0.8 });
    expect(forecast.method).toBe('seasonal_average');
    // Day 12 is weekday 5 (12 % 7): history days 5 → 8; day 13 → 9; day 14 → (3 + 3) / 2.
    expect(forecast.point).toEqual([8, 9, 3]);
    expect(forecast.backtestWape).not.toBeNull();
    forecast.point.forEach((units, day) => {
      expect(forecast.lower[day]).toBeLessThanOrEqual(units);
      expect(forecast.upper[day]).toBeGreaterThanOrEqual(units);
      expect(forecast.lower[day]).toBeGreaterThanOrEqual(0);
    });
  });

  it('gives no backtest when holding back the horizon would leave less than a week to fit, never judging on days it was fitted on', () => {
    // 13 days and a 14-day horizon: nothing can be held back.
    const thirteen = [3, 1, 2, 5, 4, 8, 9, 3, 1, 2, 5, 4, 8];
    expect(forecastDemand(thirteen, mstlEtsModel, { horizon: 14, level: 0.8 }).backtestWape).toBeNull();
    // 20 days: 6 left to fit, under a week.
    const twenty = [...thirteen, 9, 3, 1, 2, 5, 4, 8];
    expect(forecastDemand(twenty, mstlEtsModel, { horizon: 14, level: 0.8 }).backtestWape).toBeNull();
    // 21 days: a week to fit, 14 held back.
    const weekly = Array.from({ length: 21 }, (_, day) => [3, 1, 2, 5, 4, 8, 9][day % 7] ?? 0);
    expect(forecastDemand(weekly, mstlEtsModel, { horizon: 14, level: 0.8 }).backtestWape).toBe(0);
  });

  it('gives no backtest for a history too short to hold days back, and never a negative demand', () => {
    const forecast = forecastDemand([0, 0, 1], mstlEtsModel, { horizon: 14, level: 0.8 });
    expect(forecast.backtestWape).toBeNull();
    expect(forecast.point.every((units) => units >= 0)).toBe(true);
    expect(wape([0, 0], [1, 2])).toBeNull();
  });
});
