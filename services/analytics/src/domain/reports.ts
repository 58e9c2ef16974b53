import type { Interval } from './calendar.ts';
import { checkRange } from './day-range.ts';
import type { AnalyticsStore, CustomerCounts, EtlStatus, ProductSales } from './ports.ts';
import { type SalesPeriod, salesSeries } from './sales-series.ts';

export interface ReportDeps {
  store: AnalyticsStore;
  /** The shop's currency: what a range without orders reports. */
  currency: string;
}

export interface RangeQuery {
  from: string;
  to: string;
}

export interface SalesReport {
  currency: string;
  items: SalesPeriod[];
}

export interface AlsoBoughtItem {
  productId: number;
  name: string;
  /** The share of the product's orders that also hold this one, 0 to 1. */
  score: number;
}

/** Orders, units and revenue per period of the range, zeros included. */
export async function salesReport(query: RangeQuery & { interval: Interval }, deps: ReportDeps): Promise<SalesReport> {
  const range = checkRange(query.from, query.to);
  const { currency, days } = await deps.store.dailySales(range.text);
  return { currency: currency ?? deps.currency, items: salesSeries(range.from, range.to, query.interval, days) };
}

export async function topProducts(query: RangeQuery & { limit: number }, deps: ReportDeps): Promise<ProductSales[]> {
  const range = checkRange(query.from, query.to);
  return deps.store.topProducts(range.text, query.limit);
}

export async function customerCounts(query: RangeQuery, deps: ReportDeps): Promise<CustomerCounts> {
  const range = checkRange(query.from, query.to);
  return deps.store.customers(range.text);
}

/** The products most often in the same orders as `productId` (orders that stand), best first. */
export async function alsoBought(productId: number, limit: number, deps: ReportDeps): Promise<AlsoBoughtItem[]> {
  const { baseOrders, items } = await deps.store.boughtWith(productId, limit);
  if (baseOrders === 0) return [];
  return items.map((item) => ({ productId: item.productId, name: item.name, score: item.orders / baseOrders }));
}

export function etlStatus(deps: ReportDeps): Promise<EtlStatus> {
  return deps.store.status();
}
