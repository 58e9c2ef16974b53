const formats = new Map<string, Intl.NumberFormat>();

function formatOf(currency: string): Intl.NumberFormat {
  let format = formats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    formats.set(currency, format);
  }
  return format;
}

/** How many decimals `currency` writes: 2 for EUR, 0 for JPY (2 for a code Intl does not know). */
export function fractionDigits(currency: string): number {
  try {
    return formatOf(currency).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Minor units in `currency`, as the reader's locale writes money: 1234 EUR → "€12.34". */
export function formatMoney(cents: number, currency: string): string {
  return formatOf(currency).format(cents / 10 ** fractionDigits(currency));
}

export function Price({ cents, currency }: { cents: number; currency: string }) {
  return <span className="price">{formatMoney(cents, currency)}</span>;
}
