/** A select's options: each value with what to call it. */
export function Options<V extends string | number>({
  options,
}: {
  options: ReadonlyArray<{ value: V; label: string }>;
}) {
  return (
    <>
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </>
  );
}
