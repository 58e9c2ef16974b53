import { describe, expect, it } from 'vitest';
import { formatDay, parseDay, periodStart, utcDay } from '../../src/domain/calendar.ts';

const day = (text: string) => {
  const parsed = parseDay(text);
  if (parsed === null) throw new Error(`not a day: ${text}`);
  return parsed;
};

describe('calendar days', () => {
  it('when a real date is parsed, then it reads back the same and counts days from 1970-01-01', () => {
    expect(parseDay('1970-01-01')).toBe(0);
    expect(parseDay('1970-01-02')).toBe(1);
    expect(formatDay(day('2024-02-29'))).toBe('2024-02-29');
    expect(day('2026-03-01') - day('2026-02-28')).toBe(1);
    expect(day('2024-03-01') - day('2024-02-28')).toBe(2);
    expect(formatDay(day('9999-12-31'))).toBe('9999-12-31');
  });

  it('when the text is not a calendar date as YYYY-MM-DD from 1970 on, then it is refused', () => {
    for (const text of [
      '2026-02-30',
      '2025-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-04-31',
      '2026-1-05',
      '26-01-05',
      '2026-01-05T00:00:00Z',
      ' 2026-01-05',
      '1969-12-31',
      '',
      'yesterday',
    ]) {
      expect(parseDay(text), text).toBeNull();
    }
  });

  it('when an instant is read as a day, then it is its UTC day, whatever offset it was written with', () => {
    expect(utcDay(new Date('2026-03-31T23:30:00-02:00'))).toBe('2026-04-01');
    expect(utcDay(new Date('2026-04-01T00:30:00+02:00'))).toBe('2026-03-31');
  });

  it('when the period of a day is asked, then it is the day, the Monday of its ISO week, or the 1st of its month', () => {
    // 2026-03-02 is a Monday, 2026-03-08 a Sunday.
    expect(formatDay(periodStart(day('2026-03-04'), 'day'))).toBe('2026-03-04');
    expect(formatDay(periodStart(day('2026-03-02'), 'week'))).toBe('2026-03-02');
    expect(formatDay(periodStart(day('2026-03-08'), 'week'))).toBe('2026-03-02');
    expect(formatDay(periodStart(day('2026-03-09'), 'week'))).toBe('2026-03-09');
    expect(formatDay(periodStart(day('2026-01-01'), 'week'))).toBe('2025-12-29');
    expect(formatDay(periodStart(day('1970-01-01'), 'week'))).toBe('1969-12-29');
    expect(formatDay(periodStart(day('2024-02-29'), 'month'))).toBe('2024-02-01');
    expect(formatDay(periodStart(day('2026-12-31'), 'month'))).toBe('2026-12-01');
  });
});
