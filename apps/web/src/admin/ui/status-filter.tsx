import { Field } from '../../ui/field';
import { Options } from '../../ui/options';
import type { StatusSet } from '../../ui/statuses';

/** "Status" above a list: all of them, or one. */
export function StatusFilter<S extends string>({
  id,
  statuses,
  status,
  onChange,
}: {
  id: string;
  statuses: StatusSet<S>;
  status: S | undefined;
  onChange(status: S | undefined): void;
}) {
  return (
    <Field id={id} label="Status">
      {(control) => (
        <select {...control} value={status ?? ''} onChange={(event) => onChange(statuses.parse(event.target.value))}>
          <option value="">All statuses</option>
          <Options options={statuses.options} />
        </select>
      )}
    </Field>
  );
}
