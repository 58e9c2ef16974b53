/** Integers as a PostgreSQL array literal (`{1,2,3}`), for one `$n::int[]` parameter. */
export function intArray(values: readonly number[]): string {
  return `{${values.join(',')}}`;
}
