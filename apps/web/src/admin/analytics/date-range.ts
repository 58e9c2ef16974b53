/** A range of whole days, both ends included, as the analytics API takes them (YYYY-MM-DD, UTC). */
export interface DayRange {
  from: string;
  to: string;
}

export type Interval = 'day' | 'week' | 'month';

const DAY_MS = 86_400_000;

/** The day `date` falls on in UTC, as YYYY-MM-DD. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

/** Days in `range`, both ends counted. */
export function lengthInDays(range: DayRange): number {
  return Math.round((Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** The last `days` days up to and including `today`. */
export function lastDays(days: number, today: Date): DayRange {
  const to = isoDay(today);
  return { from: addDays(to, 1 - days), to };
}

/** The range of the same length just before `range`: what its figures are compared with. */
export function previousRange(range: DayRange): DayRange {
  const days = lengthInDays(range);
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

/** The grain that keeps a chart readable: days up to three months, weeks up to a year, then months. */
export function intervalFor(range: DayRange): Interval {
  const days = lengthInDays(range);
  return days <= 92 ? 'day' : days <= 366 ? 'week' : 'month';
}

/**
 * How `current` compares with `previous`, as a signed whole percentage ("+12 %"), or
 * undefined when there is nothing to compare with (no previous figure).
 */
export function change(current: number, previous: number): number | undefined {
  if (previous === 0) return undefined;
  return Math.round(((current - previous) / previous) * 100);
}
