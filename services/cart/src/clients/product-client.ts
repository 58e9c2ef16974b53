import type { ServiceClient } from '@shop/platform';
import { DomainError } from '@shop/platform/errors';
import { LRUCache } from 'lru-cache';
import type { CatalogProduct, ProductCatalog } from '../domain/ports.ts';

interface ProductBody {
  id?: unknown;
  name?: unknown;
  price_cents?: unknown;
}

export interface HttpProductCatalogOptions {
  /** Seconds a product's name and price may be served from memory; 0: every lookup asks. */
  ttlSeconds: number;
  /** Products kept at most. */
  max?: number;
  /** The cache's clock (milliseconds, monotonic), for tests. */
  clock?: { now(): number };
}

/**
 * The product service's public product endpoint, with a short cache: a product is asked
 * for at most once per `ttlSeconds`, and concurrent lookups of one product share one
 * request. A product that is not sold (404) is not cached, so it drops out of carts at
 * once; a product service that is down or slow is an 'unavailable' error (503).
 */
export class HttpProductCatalog implements ProductCatalog {
  private readonly cache: LRUCache<number, CatalogProduct>;
  private readonly forceRefresh: boolean;

  constructor(
    private readonly http: ServiceClient,
    options: HttpProductCatalogOptions,
  ) {
    // With no TTL, stored entries are never served (forceRefresh), but fetches in flight are still shared.
    this.forceRefresh = options.ttlSeconds === 0;
    this.cache = new LRUCache<number, CatalogProduct>({
      max: options.max ?? 10_000,
      ...(options.ttlSeconds > 0 ? { ttl: options.ttlSeconds * 1000, ttlResolution: 0 } : {}),
      ...(options.clock ? { perf: options.clock } : {}),
      fetchMethod: (productId) => this.load(productId),
    });
  }

  async find(productId: number): Promise<CatalogProduct | null> {
    return (await this.cache.fetch(productId, { forceRefresh: this.forceRefresh })) ?? null;
  }

  private async load(productId: number): Promise<CatalogProduct | undefined> {
    const response = await this.http.call<ProductBody>('GET', `/api/products/${productId}`);
    if (response.status === 404) return undefined;
    const body = response.body;
    if (response.status !== 200) {
      throw new DomainError('unavailable', `The product service answered ${response.status}.`, {
        retryAfterSeconds: 1,
      });
    }
    if (typeof body.name !== 'string' || !Number.isSafeInteger(body.price_cents) || body.id !== productId) {
      throw new DomainError(
        'bad_gateway',
        `The product service answered product ${productId} in a form not understood.`,
      );
    }
    return { id: productId, name: body.name, priceCents: body.price_cents as number };
  }
}
