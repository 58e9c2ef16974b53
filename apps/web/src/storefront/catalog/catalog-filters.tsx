import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { Category } from '../../api/types';
import { Field } from '../../ui/field';
import { Options } from '../../ui/options';
import { ProductSortField } from '../../ui/product-sort';
import { categoryOptions } from '../../ui/use-categories';
import type { Resource } from '../../ui/use-resource';
import { type CatalogFilters, priceRangeProblem } from './filters';

/** How long typing may pause before the list follows it. */
export const TYPING_DELAY_MS = 300;

type Change = (filters: CatalogFilters, options?: { replace?: boolean }) => void;

/**
 * The search box and the filters. Choices apply at once; typed text (search, prices)
 * applies after a pause or on "Search", and replaces the history entry while typing so
 * Back does not step through every letter.
 */
export function CatalogFiltersForm({
  filters,
  categories,
  onChange,
}: {
  filters: CatalogFilters;
  categories: Resource<Category[]>;
  onChange: Change;
}) {
  const id = useId();
  const [text, setText] = useState(filters.q);
  const [min, setMin] = useState(filters.min);
  const [max, setMax] = useState(filters.max);
  // What this form last put in the URL: a different value there came from elsewhere (Back,
  // "Clear filters") and replaces what is typed; our own value coming back does not.
  const applied = useRef({ q: filters.q, min: filters.min, max: filters.max });
  useEffect(() => {
    const last = applied.current;
    if (filters.q !== last.q) setText(filters.q);
    if (filters.min !== last.min) setMin(filters.min);
    if (filters.max !== last.max) setMax(filters.max);
    applied.current = { q: filters.q, min: filters.min, max: filters.max };
  }, [filters.q, filters.min, filters.max]);

  const problem = priceRangeProblem(min, max);
  const typed = { q: text.trim(), min: min.trim(), max: max.trim() };
  const pending = typed.q !== filters.q || typed.min !== filters.min || typed.max !== filters.max;

  const apply = (options?: { replace?: boolean }) => {
    if (problem) return;
    applied.current = typed;
    const sort = filters.sort === 'relevance' && !typed.q ? null : filters.sort;
    onChange({ ...filters, ...typed, sort }, options);
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: the typed values decide; apply() is new each render.
  useEffect(() => {
    if (!pending || problem) return;
    const timer = setTimeout(() => apply({ replace: true }), TYPING_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typed.q, typed.min, typed.max, pending, problem]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    apply();
  };

  const categoryList = categories.data ?? [];
  const unknownCategory =
    filters.category !== null && !categoryList.some((category) => category.id === filters.category);

  return (
    <search className="catalog-filters" aria-label="Products">
      <form onSubmit={onSubmit}>
        <div className="catalog-search">
          <label htmlFor={`${id}-q`} className="visually-hidden">
            Search
          </label>
          <input
            id={`${id}-q`}
            type="search"
            name="q"
            value={text}
            placeholder="Search products"
            autoComplete="off"
            enterKeyHint="search"
            onChange={(event) => setText(event.target.value)}
          />
          <button type="submit" className="button button-primary">
            Search
          </button>
        </div>
        <div className="catalog-filter-row">
          <Field
            id={`${id}-category`}
            label="Category"
            hint={categories.state === 'failed' && 'Categories could not be loaded.'}
          >
            {(control) => (
              <select
                {...control}
                value={filters.category ?? ''}
                onChange={(event) =>
                  onChange({ ...filters, category: event.target.value ? Number(event.target.value) : null })
                }
              >
                <option value="">All categories</option>
                <Options options={categoryOptions(categoryList)} />
                {unknownCategory && (
                  <option value={filters.category ?? ''}>
                    {categories.state === 'loading' ? 'Loading…' : `Category ${filters.category}`}
                  </option>
                )}
              </select>
            )}
          </Field>
          <PriceField
            id={`${id}-min`}
            label="Minimum price"
            value={min}
            onChange={setMin}
            error={problem?.field === 'min' ? problem.message : undefined}
          />
          <PriceField
            id={`${id}-max`}
            label="Maximum price"
            value={max}
            onChange={setMax}
            error={problem?.field === 'max' ? problem.message : undefined}
          />
          <ProductSortField
            id={`${id}-sort`}
            q={filters.q}
            sort={filters.sort}
            onChange={(sort) => onChange({ ...filters, sort })}
          />
          <div className="field field-check">
            <input
              id={`${id}-stock`}
              type="checkbox"
              checked={filters.inStock}
              onChange={(event) => onChange({ ...filters, inStock: event.target.checked })}
            />
            <label htmlFor={`${id}-stock`}>In stock only</label>
          </div>
        </div>
      </form>
    </search>
  );
}

function PriceField({
  id,
  label,
  value,
  onChange,
  error,
}: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  error: string | undefined;
}) {
  return (
    <Field id={id} label={label} error={error}>
      {(control) => (
        <input
          {...control}
          type="number"
          inputMode="decimal"
          min={0}
          step={0.01}
          value={value}
          placeholder="Any"
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}
