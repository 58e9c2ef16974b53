/**
 * What the dashboard's charts share: uPlot with its styles, the colours and a day's x. Only
 * the lazily loaded charts import this, so uPlot comes in one chunk of its own, fetched only
 * when the dashboard draws a chart.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export { uPlot };

/** A chart's colours, read from the page's CSS variables (light or dark) when it is drawn. */
export function chartTheme(element: HTMLElement) {
  const styles = getComputedStyle(element);
  const accent = styles.getPropertyValue('--accent').trim() || '#1f6f5c';
  const text = styles.getPropertyValue('--muted').trim() || '#58625d';
  const grid = styles.getPropertyValue('--border').trim() || '#cfd5cf';
  const axis: uPlot.Axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return { accent, text, grid, axis };
}

/** Seconds since the epoch of a YYYY-MM-DD day's start in UTC: the x of a chart's point. */
export function dayToSeconds(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}

/** The YYYY-MM-DD day (UTC) an x in seconds falls on, as the legend says it. */
export function secondsToDay(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** uPlot's own axis font (its default), to measure the values with. */
const AXIS_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
let measure: CanvasRenderingContext2D | null | undefined;

/**
 * A y axis' width that fits its widest value with its ticks and gap (uPlot's is fixed, and
 * cuts "€1,000" short).
 */
export function fitValues(_self: uPlot, values: string[] | null): number {
  measure ??= document.createElement('canvas').getContext('2d');
  if (measure) measure.font = AXIS_FONT;
  const widths = (values ?? []).map((value) => (measure ? measure.measureText(value).width : value.length * 7));
  return Math.ceil(Math.max(20, ...widths)) + 10 + 5 + 4;
}
