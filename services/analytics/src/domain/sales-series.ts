import { formatDay, type Interval, parseDay, periodStart } from './calendar.ts';
import type { DailySales } from './ports.ts';

export interface SalesPeriod {
  /** The period's first day, YYYY-MM-DD: the day, the Monday of the ISO week, the 1st of the month. */
  period: string;
  orders: number;
  units: number;
  revenueCents: number;
  /** revenue / orders, rounded; 0 without orders. */
  averageOrderCents: number;
  cancelledOrders: number;
}

/**
 * One period per `interval` from the one holding `from` to the one holding `to`, in date
 * order, each summing the days it holds inside [from, to] (zeros where nothing sold).
 * `from` and `to` are day numbers; `days` may hold days outside them, which are left out.
 */
export function salesSeries(from: number, to: number, interval: Interval, days: readonly DailySales[]): SalesPeriod[] {
  const periods = new Map<number, SalesPeriod>();
  for (let day = from; day <= to; day += 1) {
    const start = periodStart(day, interval);
    if (!periods.has(start)) {
      periods.set(start, {
        period: formatDay(start),
        orders: 0,
        units: 0,
        revenueCents: 0,
        averageOrderCents: 0,
        cancelledOrders: 0,
      });
    }
  }
  for (const sales of days) {
    const day = parseDay(sales.day);
    if (day === null || day < from || day > to) continue;
    const period = periods.get(periodStart(day, interval));
    if (!period) continue;
    period.orders += sales.orders;
    period.units += sales.units;
    period.revenueCents += sales.revenueCents;
    period.cancelledOrders += sales.cancelledOrders;
  }
  for (const period of periods.values()) {
    period.averageOrderCents = period.orders === 0 ? 0 : Math.round(period.revenueCents / period.orders);
  }
  return [...periods.values()];
}
