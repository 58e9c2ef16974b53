import { DomainError } from '@shop/platform/errors';
import type { CatalogProduct, ProductCatalog } from '../../src/domain/ports.ts';

/** The error HttpProductCatalog throws when the product service cannot be reached. */
export const productServiceDown = () =>
  new DomainError('unavailable', 'The product service is unreachable.', { retryAfterSeconds: 1 });

/**
 * The product service's catalog as the cart sees it: products on sale with today's
 * names and prices. Products can be archived, the whole catalog can fail, and every
 * lookup is counted.
 */
export class FakeProductCatalog implements ProductCatalog {
  readonly lookups: number[] = [];
  private readonly products = new Map<number, CatalogProduct>();
  private failure: (() => Error) | undefined;

  add(id: number, name: string, priceCents: number): this {
    this.products.set(id, { id, name, priceCents });
    return this;
  }

  setPrice(id: number, priceCents: number): void {
    const product = this.products.get(id);
    if (!product) throw new Error(`no product ${id}`);
    this.products.set(id, { ...product, priceCents });
  }

  archive(id: number): void {
    this.products.delete(id);
  }

  /** Every lookup from now on throws `error()` until heal(). */
  failWith(error: () => Error = productServiceDown): void {
    this.failure = error;
  }

  heal(): void {
    this.failure = undefined;
  }

  async find(productId: number): Promise<CatalogProduct | null> {
    this.lookups.push(productId);
    if (this.failure) throw this.failure();
    const product = this.products.get(productId);
    return product ? { ...product } : null;
  }
}
