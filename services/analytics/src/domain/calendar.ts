/**
 * Calendar days as whole numbers (days since 1970-01-01, UTC), so that ranges, weeks and
 * months are arithmetic rather than time-zone-sensitive Date juggling. Every day here is a
 * UTC day, as the rollups count them.
 */

const DAY_MS = 86_400_000;
const DAY_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The earliest and latest days the reports take: a shop has no sales before 1970 or after 9999. */
export const FIRST_DAY = '1970-01-01';
export const LAST_DAY = '9999-12-31';

export type Interval = 'day' | 'week' | 'month';

/** The day number of `text` (YYYY-MM-DD, a real calendar date from FIRST_DAY to LAST_DAY), or null. */
export function parseDay(text: string): number | null {
  const match = DAY_TEXT.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1970) return null;
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2026-02-30 over into March: a real date reads back the same.
  return formatDay(ms / DAY_MS) === text ? ms / DAY_MS : null;
}

/** YYYY-MM-DD of a day number. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC day an instant falls on, as YYYY-MM-DD. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** The first day of the period of `interval` that holds `day`: itself, the Monday of its ISO week, the 1st of its month. */
export function periodStart(day: number, interval: Interval): number {
  if (interval === 'day') return day;
  if (interval === 'week') {
    // 1970-01-01 was a Thursday: day 0 is 3 days after a Monday.
    const sinceMonday = (((day + 3) % 7) + 7) % 7;
    return day - sinceMonday;
  }
  const date = new Date(day * DAY_MS);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / DAY_MS;
}
