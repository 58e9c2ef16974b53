import type { Logger } from '@shop/platform';
import { uploadImage } from '../domain/images.ts';
import type { BlobStore, CategoryStore, ProductStore } from '../domain/ports.ts';
import { DEMO_CATEGORIES, DEMO_PRODUCTS } from './demo-catalog.ts';
import { placeholderPng } from './placeholder-image.ts';

/**
 * Fills an empty catalog with the demo categories and products, each with a generated
 * image, so a fresh shop looks alive. Does nothing when any category exists.
 */
export async function loadDemoCatalog(
  deps: { categories: CategoryStore; products: ProductStore; blobs: BlobStore },
  logger: Logger,
): Promise<boolean> {
  const existing = await deps.categories.list(undefined, 1);
  if (existing.items.length > 0) return false;
  const ids = new Map<string, { id: number; hue: number }>();
  for (const category of DEMO_CATEGORIES) {
    const created = await deps.categories.create(category.name, category.slug);
    if (!created) return false; // another process is loading it right now
    ids.set(category.slug, { id: created.id, hue: category.hue });
  }
  for (const item of DEMO_PRODUCTS) {
    const category = ids.get(item.category);
    if (!category) throw new Error(`demo product ${item.name} names unknown category ${item.category}`);
    const product = await deps.products.create({
      name: item.name,
      description: item.description,
      priceCents: item.price_cents,
      stock: item.stock,
      categoryId: category.id,
    });
    const png = placeholderPng({ seed: item.name, hue: category.hue });
    await uploadImage(product.id, { bytes: png, declaredType: 'image/png' }, deps);
  }
  logger.info({ categories: DEMO_CATEGORIES.length, products: DEMO_PRODUCTS.length }, 'demo catalog loaded');
  return true;
}
