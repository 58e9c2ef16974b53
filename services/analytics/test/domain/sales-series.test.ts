import { describe, expect, it } from 'vitest';
import { parseDay } from '../../src/domain/calendar.ts';
import type { DailySales } from '../../src/domain/ports.ts';
import { salesSeries } from '../../src/domain/sales-series.ts';

const day = (text: string) => parseDay(text) ?? Number.NaN;
const sales = (text: string, orders: number, revenueCents: number, cancelledOrders = 0): DailySales => ({
  day: text,
  orders,
  units: orders * 2,
  revenueCents,
  cancelledOrders,
});

describe('sales series', () => {
  const days = [
    sales('2026-02-27', 9, 9000), // before the range: left out
    sales('2026-03-02', 2, 3001),
    sales('2026-03-04', 1, 1000, 1),
    sales('2026-03-10', 3, 3000),
    sales('2026-03-31', 1, 700, 2),
    sales('2026-04-01', 9, 9000), // after the range: left out
  ];

  it('when asked per day, then every day of the range is there in order, zeros included', () => {
    const series = salesSeries(day('2026-03-01'), day('2026-03-05'), 'day', days);
    expect(series.map((item) => item.period)).toEqual([
      '2026-03-01',
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
    ]);
    expect(series.map((item) => item.orders)).toEqual([0, 2, 0, 1, 0]);
    expect(series[1]).toEqual({
      period: '2026-03-02',
      orders: 2,
      units: 4,
      revenueCents: 3001,
      averageOrderCents: 1501,
      cancelledOrders: 0,
    });
    expect(series[0]?.averageOrderCents).toBe(0);
  });

  it('when asked per week, then periods start on Mondays and count only days inside the range', () => {
    const series = salesSeries(day('2026-02-28'), day('2026-03-31'), 'week', days);
    expect(series.map((item) => item.period)).toEqual([
      '2026-02-23',
      '2026-03-02',
      '2026-03-09',
      '2026-03-16',
      '2026-03-23',
      '2026-03-30',
    ]);
    expect(series.map((item) => item.orders)).toEqual([0, 3, 3, 0, 0, 1]);
    expect(series.map((item) => item.revenueCents)).toEqual([0, 4001, 3000, 0, 0, 700]);
    expect(series.map((item) => item.averageOrderCents)).toEqual([0, 1334, 1000, 0, 0, 700]);
    expect(series.map((item) => item.cancelledOrders)).toEqual([0, 1, 0, 0, 0, 2]);
  });

  it('when asked per month, then periods start on the 1st and a month without sales is zero', () => {
    const series = salesSeries(day('2026-01-15'), day('2026-04-30'), 'month', days);
    expect(series.map((item) => [item.period, item.orders, item.revenueCents])).toEqual([
      ['2026-01-01', 0, 0],
      ['2026-02-01', 9, 9000],
      ['2026-03-01', 7, 7701],
      ['2026-04-01', 9, 9000],
    ]);
  });
});
