/** How the catalog can be sorted. `relevance` (full-text rank) applies when searching. */
export const PRODUCT_SORTS = ['newest', 'name', '-name', 'price', '-price', 'relevance'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

/** Where the previous page ended: the sort key of its last product and that product's id. */
export interface ListPosition {
  value: string | number;
  id: number;
}

export interface ProductQuery {
  categoryIds?: number[];
  minPriceCents?: number;
  maxPriceCents?: number;
  /** Full-text search on name and description. */
  text?: string;
  inStock?: boolean;
  sort: ProductSort;
  after?: ListPosition;
  limit: number;
}

export interface ProductPage<T> {
  items: T[];
  /** Where the next page starts, or null on the last page. */
  next: ListPosition | null;
}

/** The default order: by relevance when searching, newest first otherwise. */
export function effectiveSort(requested: ProductSort | undefined, text: string | undefined): ProductSort {
  if (requested) return requested;
  return text ? 'relevance' : 'newest';
}
