import { DomainError, ServiceClient } from '@shop/platform';
import type { StockLookup } from '../domain/ports.ts';

/** A product as the catalog lists it now. */
export interface CatalogProduct {
  id: number;
  name: string;
  price_cents: number;
  stock: number;
}

/** Calls at once to the product service when looking up many products. */
const CONCURRENCY = 8;
const PAGE = 100;

/**
 * What analytics reads from the product service's public catalog: the current stock of the
 * products it forecasts (stock moves with every reservation, which no event carries), and
 * the whole catalog for the demo history. A product service that cannot be reached, fails
 * or answers what it should not is a DomainError 'unavailable' (503 with Retry-After).
 */
export class ProductCatalog implements StockLookup {
  private readonly client: ServiceClient;

  constructor(productUrl: string) {
    this.client = new ServiceClient({ service: 'product', baseUrl: productUrl, timeoutMs: 5_000 });
  }

  /** The products among `ids` the catalog still has (an archived one is left out). */
  async products(ids: readonly number[]): Promise<Map<number, CatalogProduct>> {
    const found = new Map<number, CatalogProduct>();
    const queue = [...ids];
    const worker = async () => {
      try {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          const response = await this.client.call<CatalogProduct>('GET', `/api/products/${id}`);
          if (response.status === 200) found.set(id, pick(response.body));
          else if (response.status !== 404) throw unexpected(`product ${id}`, response.status);
        }
      } catch (error) {
        queue.length = 0; // the answer is a failure now: the other workers stop asking
        throw error;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
    return found;
  }

  /** Every product of the catalog, page by page. */
  async all(): Promise<CatalogProduct[]> {
    const products: CatalogProduct[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: String(PAGE), sort: 'newest' });
      if (cursor) query.set('cursor', cursor);
      const response = await this.client.call<{ items: CatalogProduct[]; next_cursor: string | null }>(
        'GET',
        `/api/products?${query}`,
      );
      if (response.status !== 200) throw unexpected('a catalog page', response.status);
      products.push(...response.body.items.map(pick));
      cursor = response.body.next_cursor;
    } while (cursor);
    return products;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

function pick(product: CatalogProduct): CatalogProduct {
  return { id: product.id, name: product.name, price_cents: product.price_cents, stock: product.stock };
}

/** 5xx and unreachable are the client's 'unavailable' already; any other answer but 200 (and 404 for one product) too. */
function unexpected(what: string, status: number): DomainError {
  return new DomainError('unavailable', `The product service answered ${status} to ${what}.`, {
    retryAfterSeconds: 5,
  });
}
