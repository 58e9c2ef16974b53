import type { HttpApp } from '@shop/platform';

export interface ListedProduct {
  id: number;
  name: string;
  price_cents: number;
  created_at: string;
}

export interface Walk {
  items: ListedProduct[];
  pageSizes: number[];
}

/**
 * Follows next_cursor from the first page to the last, calling `between` after each page.
 * Stops with an error after `maxPages`, so a cursor that loops cannot hang the test.
 */
export async function walkProducts(
  app: HttpApp,
  query: Record<string, string | number>,
  options: { maxPages: number; between?: () => Promise<void> },
): Promise<Walk> {
  const items: ListedProduct[] = [];
  const pageSizes: number[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams(
      Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]),
    );
    if (cursor) params.set('cursor', cursor);
    const response = await app.inject({ method: 'GET', url: `/api/products?${params}` });
    if (response.statusCode !== 200)
      throw new Error(`page ${pageSizes.length + 1}: ${response.statusCode} ${response.body}`);
    const page = response.json() as { items: ListedProduct[]; next_cursor: string | null };
    items.push(...page.items);
    pageSizes.push(page.items.length);
    cursor = page.next_cursor;
    if (pageSizes.length > options.maxPages) throw new Error(`more than ${options.maxPages} pages: the cursor loops`);
    await options.between?.();
  } while (cursor);
  return { items, pageSizes };
}

/** Ids that occur more than once. */
export function duplicates(ids: number[]): number[] {
  const seen = new Set<number>();
  const twice = new Set<number>();
  for (const id of ids) {
    if (seen.has(id)) twice.add(id);
    seen.add(id);
  }
  return [...twice];
}
