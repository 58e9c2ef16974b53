import type { ReactNode } from 'react';
import { Field } from '../../ui/field';
import type { useDebouncedSearch } from './use-debounced-search';

/** The filters above an admin list, a search landmark; submitting applies what is typed at once. */
export function Filters({ onSubmit, children }: { onSubmit?(): void; children: ReactNode }) {
  return (
    <search>
      <form
        className="admin-filters"
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit?.();
        }}
      >
        {children}
      </form>
    </search>
  );
}

/** A search box that fills a list's query parameter as the admin types (useDebouncedSearch). */
export function SearchField({
  id,
  label,
  placeholder,
  search,
}: {
  id: string;
  label: string;
  placeholder: string;
  search: ReturnType<typeof useDebouncedSearch>;
}) {
  return (
    <Field id={id} label={label} className="admin-filter-search">
      {(control) => (
        <input
          {...control}
          type="search"
          value={search.text}
          onChange={(event) => search.setText(event.target.value)}
          placeholder={placeholder}
        />
      )}
    </Field>
  );
}
