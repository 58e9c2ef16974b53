import { DomainError } from '@shop/platform/errors';
import { describe, expect, it } from 'vitest';
import { checkRange } from '../../src/domain/day-range.ts';

function refusal(from: string, to: string): DomainError {
  try {
    checkRange(from, to);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`${from}..${to} was accepted`);
}

describe('report ranges', () => {
  it('when the range is one day or exactly 731 days, then it is taken', () => {
    expect(checkRange('2026-03-01', '2026-03-01')).toMatchObject({ text: { from: '2026-03-01', to: '2026-03-01' } });
    const longest = checkRange('2024-01-01', '2025-12-31');
    expect(longest.to - longest.from + 1).toBe(731);
  });

  it('when a range covers 732 days, then it is refused naming to', () => {
    const error = refusal('2024-01-01', '2026-01-01');
    expect(error.code).toBe('invalid_input');
    expect(error.errors).toEqual([{ field: 'to', message: expect.stringContaining('730 days after from') }]);
  });

  it('when from is after to, then it is refused naming from', () => {
    expect(refusal('2026-03-02', '2026-03-01').errors).toEqual([{ field: 'from', message: 'must not be after to' }]);
  });

  it('when an end is not a calendar date, then the refusal names that end (both when both are wrong)', () => {
    expect(refusal('2026-02-30', '2026-03-01').errors?.map((error) => error.field)).toEqual(['from']);
    expect(refusal('2026-03-01', '03/01/2026').errors?.map((error) => error.field)).toEqual(['to']);
    expect(refusal('x', 'y').errors?.map((error) => error.field)).toEqual(['from', 'to']);
  });
});
