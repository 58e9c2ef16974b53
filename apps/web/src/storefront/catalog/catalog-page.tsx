import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { unwrap } from '../../api/client';
import type { Product } from '../../api/types';
import { useSession } from '../../session/session';
import { LoadMore } from '../../ui/load-more';
import { Page } from '../../ui/page';
import { Empty, ErrorState } from '../../ui/states';
import { useCategories } from '../../ui/use-categories';
import { usePagedList } from '../../ui/use-paged-list';
import { CatalogFiltersForm } from './catalog-filters';
import { type CatalogFilters, hasFilters, NO_FILTERS, readFilters, toProductQuery, writeFilters } from './filters';
import { ProductCard, ProductCardPlaceholder } from './product-card';

/** Products per page: fills whole rows of 2, 3 or 4 columns. */
export const PAGE_SIZE = 24;
/** A desktop's first row (4 cards) loads its images at once; the rest as they scroll in. */
const EAGER_IMAGES = 4;
/** Of those, the ones in every screen's first row (a phone's is 2: the largest paint) go first. */
const URGENT_IMAGES = 2;
/** Placeholders while the first page loads: two rows, enough to hold the first screen still. */
const PLACEHOLDERS = 8;

/** The catalog: search, filter, sort, page through the products. Every choice lives in the URL. */
export function CatalogPage() {
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const categories = useCategories('once-per-visit');
  const products = usePagedList<Product>(
    (cursor) => unwrap(api.GET('/api/products', { params: { query: toProductQuery(filters, PAGE_SIZE, cursor) } })),
    [writeFilters(filters).toString()],
  );

  const change = (next: CatalogFilters, options?: { replace?: boolean }) => {
    const query = writeFilters(next);
    if (query.toString() === writeFilters(filters).toString()) products.reload();
    else setParams(query, options);
  };

  const first = products.state === 'loading' && products.items.length === 0;
  const stale = products.state === 'loading' && products.items.length > 0;
  return (
    <Page title="Products">
      <CatalogFiltersForm filters={filters} categories={categories} onChange={change} />
      <div className="catalog-results">
        <p className="visually-hidden" role="status" aria-live="polite">
          {products.state === 'loading' ? 'Loading products…' : ''}
          {products.state === 'ready' ? countText(products.items.length, products.hasMore) : ''}
        </p>
        {products.state === 'failed' && (
          <ErrorState error={products.error} retry={products.reload} title="The products could not be loaded" />
        )}
        {products.state === 'ready' && products.items.length === 0 && (
          <Empty>
            <p>{hasFilters(filters) ? 'No products match these filters.' : 'There are no products in the shop yet.'}</p>
            {hasFilters(filters) && (
              <button type="button" className="button" onClick={() => change(NO_FILTERS)}>
                Clear filters
              </button>
            )}
          </Empty>
        )}
        {first && (
          <div className="grid product-grid">
            {Array.from({ length: PLACEHOLDERS }, (_, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have nothing else to tell them apart.
              <ProductCardPlaceholder key={index} />
            ))}
          </div>
        )}
        {products.items.length > 0 && (
          <div className="grid product-grid" aria-busy={stale} data-stale={stale || undefined}>
            {products.items.map((product, index) => (
              <ProductCard
                key={product.id}
                product={product}
                loading={index < URGENT_IMAGES ? 'urgent' : index < EAGER_IMAGES ? 'eager' : 'lazy'}
              />
            ))}
          </div>
        )}
        <LoadMore list={products} what="products" />
      </div>
    </Page>
  );
}

function countText(count: number, more: boolean): string {
  if (count === 0) return 'No products found.';
  return `${count}${more ? '+' : ''} ${count === 1 ? 'product' : 'products'} shown.`;
}
