import { describe, expect, it } from 'vitest';
import { centsToUnits, parseUnits } from '../../src/admin/ui/money-input';

describe('price in currency units', () => {
  it('when a price is typed with a point, a comma or no decimals, then it becomes exact minor units', () => {
    expect(parseUnits('12.5', 'EUR')).toEqual({ ok: true, cents: 1250 });
    expect(parseUnits(' 12,50 ', 'EUR')).toEqual({ ok: true, cents: 1250 });
    expect(parseUnits('7', 'EUR')).toEqual({ ok: true, cents: 700 });
    expect(parseUnits('0.29', 'EUR')).toEqual({ ok: true, cents: 29 });
    expect(parseUnits('.5', 'EUR')).toEqual({ ok: true, cents: 50 });
    expect(parseUnits('1200', 'JPY')).toEqual({ ok: true, cents: 1200 });
  });

  it('when a price is blank, signed, has too many decimals or passes the limit, then it says so', () => {
    expect(parseUnits('', 'EUR')).toEqual({ ok: false, error: 'Enter a price.' });
    expect(parseUnits('-1', 'EUR').ok).toBe(false);
    expect(parseUnits('1.234', 'EUR')).toEqual({ ok: false, error: 'Use at most 2 decimals.' });
    expect(parseUnits('12.5', 'JPY')).toEqual({ ok: false, error: 'JPY prices have no decimals.' });
    expect(parseUnits('1e3', 'EUR').ok).toBe(false);
    expect(parseUnits('1000000.01', 'EUR').ok).toBe(false);
    expect(parseUnits('1000000', 'EUR')).toEqual({ ok: true, cents: 100_000_000 });
  });

  it('when minor units are shown in a field, then they read back as the same amount', () => {
    expect(centsToUnits(1250, 'EUR')).toBe('12.50');
    expect(centsToUnits(5, 'EUR')).toBe('0.05');
    expect(centsToUnits(0, 'EUR')).toBe('0.00');
    expect(centsToUnits(1200, 'JPY')).toBe('1200');
  });
});
