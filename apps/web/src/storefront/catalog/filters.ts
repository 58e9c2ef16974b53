import type { paths } from '../../api/schema';
import { defaultProductSort, type ProductSort, parseProductSort } from '../../ui/product-sort';

type ProductQuery = NonNullable<paths['/api/products']['get']['parameters']['query']>;

/**
 * The catalog's filters as the URL carries them (`?q=&category=&min=&max=&in_stock=1&sort=`),
 * so a filtered page can be shared and reloaded. Prices are in currency units, as typed.
 */
export interface CatalogFilters {
  q: string;
  category: number | null;
  /** Currency units ("2.50"), or '' for no bound. */
  min: string;
  max: string;
  inStock: boolean;
  /** null: the default order (relevance when searching, else newest). */
  sort: ProductSort | null;
}

export const NO_FILTERS: CatalogFilters = { q: '', category: null, min: '', max: '', inStock: false, sort: null };

/** Whole and hundredths: what a price field may hold. */
const AMOUNT = /^\d{1,9}(\.\d{1,2})?$/;

/** Filters from a URL query; anything malformed is dropped rather than sent to the API. */
export function readFilters(params: URLSearchParams): CatalogFilters {
  const q = (params.get('q') ?? '').trim();
  const category = Number(params.get('category'));
  return {
    q,
    category: Number.isSafeInteger(category) && category > 0 ? category : null,
    min: amountOrEmpty(params.get('min')),
    max: amountOrEmpty(params.get('max')),
    inStock: params.get('in_stock') === '1',
    sort: parseProductSort(params.get('sort'), q),
  };
}

/** The URL query for filters, leaving out what is the default. */
export function writeFilters(filters: CatalogFilters): URLSearchParams {
  const params = new URLSearchParams();
  const q = filters.q.trim();
  if (q) params.set('q', q);
  if (filters.category !== null) params.set('category', String(filters.category));
  if (isAmount(filters.min)) params.set('min', filters.min.trim());
  if (isAmount(filters.max)) params.set('max', filters.max.trim());
  if (filters.inStock) params.set('in_stock', '1');
  if (filters.sort && filters.sort !== defaultProductSort(q) && !(filters.sort === 'relevance' && !q)) {
    params.set('sort', filters.sort);
  }
  return params;
}

/** The API's query for filters; prices in cents. */
export function toProductQuery(filters: CatalogFilters, limit: number, cursor?: string): ProductQuery {
  const query: ProductQuery = { limit };
  if (filters.q) query.q = filters.q;
  if (filters.category !== null) query.category = String(filters.category);
  if (isAmount(filters.min)) query.min_price_cents = toCents(filters.min);
  if (isAmount(filters.max)) query.max_price_cents = toCents(filters.max);
  if (filters.inStock) query.in_stock = true;
  if (filters.sort) query.sort = filters.sort;
  if (cursor) query.cursor = cursor;
  return query;
}

/** Whether anything narrows the list (the order alone does not). */
export function hasFilters(filters: CatalogFilters): boolean {
  return writeFilters({ ...filters, sort: null }).toString() !== '';
}

export function isAmount(text: string): boolean {
  return AMOUNT.test(text.trim());
}

/** Why a price range cannot be used, or null. */
export function priceRangeProblem(min: string, max: string): { field: 'min' | 'max'; message: string } | null {
  if (min.trim() && !isAmount(min)) return { field: 'min', message: 'Enter an amount such as 2.50.' };
  if (max.trim() && !isAmount(max)) return { field: 'max', message: 'Enter an amount such as 2.50.' };
  if (isAmount(min) && isAmount(max) && toCents(min) > toCents(max)) {
    return { field: 'max', message: 'The maximum is below the minimum.' };
  }
  return null;
}

/** "2.5" → 250 (the shop's currency has cents). Through the digits: 0.29 × 100 is not 29 in floating point. */
export function toCents(amount: string): number {
  const [whole = '0', fraction = ''] = amount.trim().split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

function amountOrEmpty(value: string | null): string {
  return value !== null && isAmount(value) ? value.trim() : '';
}
