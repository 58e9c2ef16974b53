import type { paths } from '../api/schema';
import { Field } from './field';
import { Options } from './options';

export type ProductSort = NonNullable<NonNullable<paths['/api/products']['get']['parameters']['query']>['sort']>;

/** The orders the API lists products in; relevance ranks a search and only a search. */
export const PRODUCT_SORTS: ReadonlyArray<{ value: ProductSort; label: string }> = [
  { value: 'relevance', label: 'Relevance' },
  { value: 'newest', label: 'Newest' },
  { value: 'name', label: 'Name A–Z' },
  { value: '-name', label: 'Name Z–A' },
  { value: 'price', label: 'Price low to high' },
  { value: '-price', label: 'Price high to low' },
];

/** The sort a list uses when none is chosen. */
export function defaultProductSort(q: string): ProductSort {
  return q ? 'relevance' : 'newest';
}

/** A sort from the URL when the list can use it (relevance only with a search), else null. */
export function parseProductSort(raw: string | null, q: string): ProductSort | null {
  const sort = PRODUCT_SORTS.find((option) => option.value === raw)?.value ?? null;
  return sort === 'relevance' && !q ? null : sort;
}

/** "Sort by" for a product list searched for `q`: null when the default order is chosen. */
export function ProductSortField({
  id,
  q,
  sort,
  onChange,
}: {
  id: string;
  q: string;
  sort: ProductSort | null;
  onChange(sort: ProductSort | null): void;
}) {
  const fallback = defaultProductSort(q);
  return (
    <Field id={id} label="Sort by">
      {(control) => (
        <select
          {...control}
          value={sort ?? fallback}
          onChange={(event) => {
            const chosen = event.target.value as ProductSort;
            onChange(chosen === fallback ? null : chosen);
          }}
        >
          <Options options={PRODUCT_SORTS.filter((option) => option.value !== 'relevance' || q)} />
        </select>
      )}
    </Field>
  );
}
