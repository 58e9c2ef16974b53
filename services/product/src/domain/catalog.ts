import { conflict } from '@shop/platform/errors';
import { productNotFound, unknownCategory } from './errors.ts';
import type { ProductPage, ProductQuery } from './listing.ts';
import type { CategoryStore, ProductStore } from './ports.ts';
import { type Category, MAX_STOCK, normalizeName, type Product, type ProductInput, slugify } from './product.ts';

export interface CatalogDeps {
  categories: CategoryStore;
  products: ProductStore;
}

export async function createCategory(name: string, deps: CatalogDeps): Promise<Category> {
  const clean = normalizeName(name);
  const category = await deps.categories.create(clean, slugify(clean));
  if (!category) throw conflict(`A category named "${clean}" (or with the same slug) exists already.`);
  return category;
}

export function listProducts(query: ProductQuery, deps: CatalogDeps): Promise<ProductPage<Product>> {
  return deps.products.list(query);
}

export async function getProduct(id: number, deps: CatalogDeps): Promise<Product> {
  const product = await deps.products.find(id);
  if (!product) throw productNotFound(id);
  return product;
}

/** For other services: archived products stay readable so past orders can name them. */
export async function getProductForService(id: number, deps: CatalogDeps): Promise<Product> {
  const product = await deps.products.findIncludingArchived(id);
  if (!product) throw productNotFound(id);
  return product;
}

export async function createProduct(input: ProductInput, deps: CatalogDeps): Promise<Product> {
  const clean = { ...input, name: normalizeName(input.name) };
  await requireCategory(clean.categoryId, deps);
  return deps.products.create(clean);
}

export async function updateProduct(id: number, changes: Partial<ProductInput>, deps: CatalogDeps): Promise<Product> {
  const clean = { ...changes };
  if (clean.name !== undefined) clean.name = normalizeName(clean.name);
  if (clean.categoryId !== undefined) await requireCategory(clean.categoryId, deps);
  const product = await deps.products.update(id, clean);
  if (!product) throw productNotFound(id);
  return product;
}

/** Archives, never erases: past orders keep their lines. */
export async function archiveProduct(id: number, deps: CatalogDeps): Promise<void> {
  if (!(await deps.products.archive(id))) throw productNotFound(id);
}

/** An admin's stock correction: any delta, but stock never goes below zero. */
export async function adjustStock(id: number, delta: number, deps: CatalogDeps): Promise<Product> {
  const adjusted = await deps.products.adjustStock(id, delta);
  if (adjusted) return adjusted;
  const product = await deps.products.find(id);
  if (!product) throw productNotFound(id);
  if (delta > 0) {
    throw conflict(`Stock is ${product.stock}; adding ${delta} would pass the largest stock, ${MAX_STOCK}.`, {
      errors: [{ field: 'delta', message: `must be at most ${MAX_STOCK - product.stock}` }],
    });
  }
  throw conflict(`Stock is ${product.stock}; taking ${-delta} would go below zero.`, {
    errors: [{ field: 'delta', message: `must be at least ${-product.stock}` }],
  });
}

async function requireCategory(id: number, deps: CatalogDeps): Promise<void> {
  if (!(await deps.categories.exists(id))) throw unknownCategory(id);
}
