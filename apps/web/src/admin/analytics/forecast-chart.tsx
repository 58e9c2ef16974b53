import { useEffect, useRef } from 'react';
import { formatUnits } from './units';
import { chartTheme, dayToSeconds, fitValues, secondsToDay, uPlot } from './uplot-chart';

export interface ForecastPoint {
  date: string;
  units: number;
  lower: number;
  upper: number;
}

const HEIGHT = 220;
const HALF_DAY = 43_200;
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short', timeZone: 'UTC' });

/**
 * A product's forecast units per day: the 80 % interval as a filled band between its lower
 * and upper ends, the forecast's line on top. Loaded on its own (React.lazy) like the sales
 * chart, sharing its uPlot chunk; the page puts the points in a table for screen readers.
 */
export default function ForecastChart({ points }: { points: ForecastPoint[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const { accent, axis } = chartTheme(element);
    const band = `${accent}33`;
    const end = { stroke: `${accent}99`, width: 1, dash: [4, 4], points: { show: false }, class: 'chart-band-end' };
    const plot = new uPlot(
      {
        width: element.clientWidth,
        height: HEIGHT,
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
        cursor: { drag: { x: false, y: false } },
        // One entry for the forecast and its band (the band's ends have none), with both in its value.
        legend: {
          live: true,
          markers: { fill: (_u, index) => (index === 3 ? band : 'transparent') },
        },
        scales: {
          // Half a day each side, so the first and last points are not cut by the edges.
          x: { time: true, range: (_u, min, max) => [min - HALF_DAY, max + HALF_DAY] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
        },
        axes: [axis, { ...axis, size: fitValues }],
        series: [
          {
            label: 'Day',
            value: (_u, seconds) =>
              seconds == null ? '–' : `${weekday.format(seconds * 1000)} ${secondsToDay(seconds)}`,
          },
          // The band's ends come first and the forecast last, so its line is drawn over the fill.
          { ...end, label: 'Upper end' },
          { ...end, label: 'Lower end' },
          {
            label: 'Forecast, 80 % interval',
            stroke: accent,
            width: 2,
            points: { show: true, size: 6, fill: accent, stroke: accent },
            value: (u, units, _series, index) =>
              units == null || index == null
                ? '–'
                : `${formatUnits(units)} (${formatUnits(u.data[2]?.[index] ?? 0)}–${formatUnits(u.data[1]?.[index] ?? 0)})`,
          },
        ],
        bands: [{ series: [1, 2], fill: band }],
      },
      [
        points.map((point) => dayToSeconds(point.date)),
        points.map((point) => point.upper),
        points.map((point) => point.lower),
        points.map((point) => point.units),
      ],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [points]);
  return <div ref={box} className="forecast-chart" aria-hidden="true" />;
}
