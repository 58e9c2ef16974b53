/**
 * Values written into ClickHouse SQL as literals. The oldest server supported (18.16) takes
 * no query parameters, so a value reaches the SQL only through these checks: integers,
 * days and names that cannot hold a quote. Free text (a product's name) never does; it
 * goes to the server as insert data.
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An integer as SQL; anything else (a fraction, NaN, beyond 2^53) is refused. */
export function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`not an integer for ClickHouse SQL: ${value}`);
  return String(value);
}

/** A non-empty list of integers as SQL, for IN (…). */
export function integers(values: readonly number[]): string {
  if (values.length === 0) throw new TypeError('an empty list for ClickHouse SQL');
  return values.map(integer).join(', ');
}

/** A UTC day (YYYY-MM-DD) as a Date in SQL. */
export function day(value: string): string {
  if (!DAY.test(value)) throw new TypeError(`not a day (YYYY-MM-DD) for ClickHouse SQL: ${JSON.stringify(value)}`);
  return `toDate('${value}')`;
}

/** A database name as SQL: letters, digits and underscores, so it needs no quoting. */
export function identifier(value: string): string {
  if (!IDENTIFIER.test(value)) {
    throw new TypeError(`not a plain name for a ClickHouse database (letters, digits, _): ${JSON.stringify(value)}`);
  }
  return value;
}
