import { fractionDigits } from '../../ui/money';

/** The API's largest price, in minor units. */
export const MAX_PRICE_CENTS = 100_000_000;

/** Minor units as the text a price field holds: 1250 EUR → "12.50" (no float rounding). */
export function centsToUnits(cents: number, currency: string): string {
  const digits = fractionDigits(currency);
  if (digits === 0) return String(cents);
  const text = String(Math.abs(cents)).padStart(digits + 1, '0');
  return `${cents < 0 ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

export type ParsedPrice = { ok: true; cents: number } | { ok: false; error: string };

/**
 * What a person typed as a price, in currency units ("12.5", "12,50", "7"), as minor units.
 * Counted on the digits, never through a float, so 0.29 is 29 cents and not 28.999….
 */
export function parseUnits(input: string, currency: string): ParsedPrice {
  const text = input.trim();
  const digits = fractionDigits(currency);
  if (text === '') return { ok: false, error: 'Enter a price.' };
  const match = /^(\d*)(?:[.,](\d*))?$/.exec(text);
  const whole = match?.[1] ?? '';
  const fraction = match?.[2] ?? '';
  if (!match || (whole === '' && fraction === '')) {
    const example = digits === 0 ? '1200' : `12.${'5'.padEnd(digits, '0')}`;
    return { ok: false, error: `Enter the price in ${currency} as a number, e.g. ${example}.` };
  }
  if (fraction.length > digits) {
    return {
      ok: false,
      error: digits === 0 ? `${currency} prices have no decimals.` : `Use at most ${digits} decimals.`,
    };
  }
  const cents = Number(whole || '0') * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (cents > MAX_PRICE_CENTS) {
    return { ok: false, error: `The price can be at most ${centsToUnits(MAX_PRICE_CENTS, currency)}.` };
  }
  return { ok: true, cents };
}
