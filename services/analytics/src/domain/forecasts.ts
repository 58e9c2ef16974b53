import { notFound } from '@shop/platform/errors';
import { utcDay } from './calendar.ts';
import type { AnalyticsStore, ForecastPoint, ForecastStore, ProductForecast, StockLookup } from './ports.ts';

/** Days each forecast covers, from the day it is made. */
export const FORECAST_HORIZON_DAYS = 14;
/** The coverage of each day's interval: 80 %. */
export const FORECAST_LEVEL = 0.8;
/** The sales history a forecast learns from, at most: the year up to yesterday. */
export const FORECAST_HISTORY_DAYS = 365;

export interface ForecastDeps {
  forecasts: ForecastStore;
  /** The facts, to tell a product never sold from one whose forecast is still to come. */
  sales: Pick<AnalyticsStore, 'hasSales'>;
  stock: StockLookup;
  /** The clock: which day is today (UTC). */
  now: () => Date;
}

/**
 * The product's stored forecast. Without one, a 404 that tells apart a product the rollups
 * have no sale of (nothing to forecast from) and one whose forecast is still to be made.
 */
export async function productForecast(
  productId: number,
  deps: Pick<ForecastDeps, 'forecasts' | 'sales'>,
): Promise<ProductForecast> {
  const forecast = await deps.forecasts.forecast(productId);
  if (forecast) return forecast;
  if (!(await deps.sales.hasSales(productId))) {
    throw notFound(`No sales are recorded for product ${productId}: there is nothing to forecast its demand from.`);
  }
  throw notFound(
    `Product ${productId} has no forecast yet: forecasts are made once a day for the products sold in the last ${FORECAST_HISTORY_DAYS} days, from their sales up to the day before.`,
  );
}

export interface StockOut {
  productId: number;
  /** As the catalog names it now. */
  name: string;
  /** The catalog's stock now. */
  stock: number;
  /** Forecast units over the days asked about, and the sums of the days' interval bounds. */
  forecastUnits: number;
  lowerUnits: number;
  upperUnits: number;
  /** The first day (0: today) by whose end the forecast demand, added up, is more than the stock. */
  daysOfStock: number;
}

/**
 * The products whose forecast demand over the next `days` days (today first) is more than
 * their stock now, most urgent first: the fewest days of stock, then the biggest shortfall,
 * then product id. Stock is read from the catalog for the products with a forecast that
 * sells anything in those days; a product the catalog no longer has (archived) is left out.
 */
export async function stockOuts(days: number, deps: ForecastDeps): Promise<StockOut[]> {
  const today = utcDay(deps.now());
  const ahead = (await deps.forecasts.all())
    .map((forecast) => ({ productId: forecast.productId, points: upcoming(forecast.points, today, days) }))
    .filter((forecast) => total(forecast.points, 'units') > 0);
  if (ahead.length === 0) return [];
  const catalog = await deps.stock.products(ahead.map((forecast) => forecast.productId));
  const items: StockOut[] = [];
  for (const { productId, points } of ahead) {
    const product = catalog.get(productId);
    if (!product) continue;
    const daysOfStock = dayStockRunsOut(points, product.stock);
    if (daysOfStock === null) continue;
    items.push({
      productId,
      name: product.name,
      stock: product.stock,
      forecastUnits: total(points, 'units'),
      lowerUnits: total(points, 'lower'),
      upperUnits: total(points, 'upper'),
      daysOfStock,
    });
  }
  return items.sort(
    (a, b) =>
      a.daysOfStock - b.daysOfStock ||
      b.forecastUnits - b.stock - (a.forecastUnits - a.stock) ||
      a.productId - b.productId,
  );
}

/** The index of the first of `points` by whose end their units, added up, are more than `stock`; null: never. */
export function dayStockRunsOut(points: readonly ForecastPoint[], stock: number): number | null {
  let demand = 0;
  for (const [day, point] of points.entries()) {
    demand += point.units;
    if (round2(demand) > stock) return day;
  }
  return null;
}

/** The points from `today` on, `days` of them at most (a forecast made yesterday has one fewer). */
function upcoming(points: readonly ForecastPoint[], today: string, days: number): ForecastPoint[] {
  return points.filter((point) => point.date >= today).slice(0, days);
}

function total(points: readonly ForecastPoint[], field: 'units' | 'lower' | 'upper'): number {
  return round2(points.reduce((sum, point) => sum + point[field], 0));
}

/** To the hundredth: the precision forecasts are stored with (and no float dust from adding them). */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
