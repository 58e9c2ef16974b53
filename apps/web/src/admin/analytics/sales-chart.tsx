import { useEffect, useRef } from 'react';
import { formatMoney, fractionDigits } from '../../ui/money';
import { chartTheme, dayToSeconds, fitValues, secondsToDay, uPlot } from './uplot-chart';

export interface SalesPoint {
  period: string;
  orders: number;
  revenue_cents: number;
}

/**
 * Revenue (bars, left axis) and orders (line, right axis) per period, drawn by uPlot on a
 * canvas sized to its box. Loaded on its own (React.lazy), so uPlot is fetched only by an
 * admin who opens the dashboard. A table of the same figures sits beside it for screen readers.
 */
export default function SalesChart({ points, currency }: { points: SalesPoint[]; currency: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const { accent, text, axis } = chartTheme(element);
    const times = points.map((point) => dayToSeconds(point.period));
    const step = (times[1] ?? 0) - (times[0] ?? 0) || 86_400;
    const money = (cents: number) => formatMoney(cents, currency);
    // The revenue axis in whole units when its ticks are ("€1,000", not "€1,000.00").
    const minor = 10 ** fractionDigits(currency);
    const whole = new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 0 });
    const ticks = (values: number[]) =>
      values.every((cents) => cents % minor === 0)
        ? values.map((cents) => whole.format(cents / minor))
        : values.map(money);
    const bars = uPlot.paths.bars?.({ size: [0.6, 40] });
    const plot = new uPlot(
      {
        width: element.clientWidth,
        height: 260,
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
        cursor: { drag: { x: false, y: false } },
        legend: { live: true },
        scales: {
          // Half a period each side, so the first and last bars are not cut in half by the edges.
          x: { time: true, range: (_u, min, max) => [min - step / 2, max + step / 2] },
          revenue: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        },
        axes: [
          axis,
          { ...axis, scale: 'revenue', size: fitValues, values: (_u, values) => ticks(values) },
          { ...axis, scale: 'orders', side: 1, size: fitValues, grid: { show: false } },
        ],
        series: [
          { label: 'Period from', value: (_u, seconds) => (seconds == null ? '–' : secondsToDay(seconds)) },
          {
            label: 'Revenue',
            scale: 'revenue',
            fill: `${accent}55`,
            stroke: accent,
            paths: bars,
            value: (_u, cents) => (cents == null ? '–' : money(cents)),
          },
          {
            label: 'Orders',
            scale: 'orders',
            stroke: text,
            width: 2,
            points: { show: points.length < 40 },
            value: (_u, orders) => (orders == null ? '–' : String(orders)),
          },
        ],
      },
      [times, points.map((point) => point.revenue_cents), points.map((point) => point.orders)],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: 260 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [points, currency]);
  return <div ref={box} className="sales-chart" aria-hidden="true" />;
}
