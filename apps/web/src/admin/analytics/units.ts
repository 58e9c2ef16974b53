const units = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** Forecast units, which come to the hundredth, to one decimal: "12.3", "4". */
export function formatUnits(value: number): string {
  return units.format(value);
}
