import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatMoney } from '../../ui/money';

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
    const styles = getComputedStyle(element);
    const accent = styles.getPropertyValue('--accent').trim() || '#1f6f5c';
    const text = styles.getPropertyValue('--muted').trim() || '#58625d';
    const grid = styles.getPropertyValue('--border').trim() || '#cfd5cf';
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const times = points.map((point) => Date.parse(`${point.period}T00:00:00Z`) / 1000);
    const money = (cents: number) => formatMoney(cents, currency);
    const bars = uPlot.paths.bars?.({ size: [0.6, 40] });
    const plot = new uPlot(
      {
        width: element.clientWidth,
        height: 260,
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
        cursor: { drag: { x: false, y: false } },
        legend: { live: true },
        scales: { x: { time: true }, revenue: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [
          axis,
          { ...axis, scale: 'revenue', size: 70, values: (_u, ticks) => ticks.map((cents) => money(cents)) },
          { ...axis, scale: 'orders', side: 1, size: 40, grid: { show: false } },
        ],
        series: [
          {},
          {
            label: 'Revenue',
            scale: 'revenue',
            fill: `${accent}55`,
            stroke: accent,
            paths: bars,
            value: (_u, cents) => (cents == null ? '–' : money(cents)),
          },
          { label: 'Orders', scale: 'orders', stroke: text, width: 2, points: { show: points.length < 40 } },
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
