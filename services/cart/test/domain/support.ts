import { DomainError } from '@shop/platform/errors';
import { expect } from 'vitest';
import type { ManageCartDeps } from '../../src/domain/view-cart.ts';
import { MemoryCartStore } from '../fakes/memory-cart-store.ts';
import { FakeProductCatalog } from '../fakes/product-catalog.ts';

/** Asserts that `promise` rejects with a DomainError of `code` and returns it. */
export async function rejectsWith(promise: Promise<unknown>, code: DomainError['code']): Promise<DomainError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected a ${code} error, but it resolved`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  return error as DomainError;
}

/** The use cases' world: a cart store and a catalog, both in memory. */
export function fakeWorld(options: { maxLines?: number } = {}) {
  const carts = new MemoryCartStore();
  const products = new FakeProductCatalog();
  const deps: ManageCartDeps = { carts, products, currency: 'EUR', maxLines: options.maxLines ?? 100 };
  return { carts, products, deps };
}
