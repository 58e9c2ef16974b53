import { invalidInput } from '@shop/platform/errors';
import { FIRST_DAY, LAST_DAY, parseDay } from './calendar.ts';

/** The longest range a report covers, both ends included: two years, a leap day among them. */
export const MAX_RANGE_DAYS = 731;

/** A report's range, checked: both ends as day numbers and as given. */
export interface CheckedRange {
  from: number;
  to: number;
  text: { from: string; to: string };
}

/**
 * Reads a report's `from` and `to`: real calendar dates as YYYY-MM-DD, `from` not after
 * `to`, at most MAX_RANGE_DAYS days in all. Otherwise a 400 naming the field at fault.
 */
export function checkRange(from: string, to: string): CheckedRange {
  const errors: Array<{ field: string; message: string }> = [];
  const fromDay = parseDay(from);
  const toDay = parseDay(to);
  const dateMessage = `must be a calendar date as YYYY-MM-DD, from ${FIRST_DAY} to ${LAST_DAY}`;
  if (fromDay === null) errors.push({ field: 'from', message: dateMessage });
  if (toDay === null) errors.push({ field: 'to', message: dateMessage });
  if (fromDay === null || toDay === null) throw invalidInput('The range is not a pair of dates.', { errors });
  if (fromDay > toDay) {
    throw invalidInput(`The range starts (${from}) after it ends (${to}).`, {
      errors: [{ field: 'from', message: 'must not be after to' }],
    });
  }
  if (toDay - fromDay + 1 > MAX_RANGE_DAYS) {
    throw invalidInput(`A range covers at most ${MAX_RANGE_DAYS} days (two years).`, {
      errors: [{ field: 'to', message: `must be at most ${MAX_RANGE_DAYS - 1} days after from` }],
    });
  }
  return { from: fromDay, to: toDay, text: { from, to } };
}
