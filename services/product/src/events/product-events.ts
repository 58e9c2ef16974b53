import type { ProductCreated, ProductDeleted, ProductUpdated } from '@shop/contracts';
import type { Product, ProductInput } from '../domain/product.ts';

/** The `data` of `product.created`: every field an admin set. */
export function productCreatedEvent(product: Product): ProductCreated {
  return {
    product_id: product.id,
    name: product.name,
    description: product.description,
    price_cents: product.priceCents,
    stock: product.stock,
    category_id: product.categoryId,
  };
}

/** The `data` of `product.updated` after an admin's edit: the fields given, and no other. */
export function productEditedEvent(id: number, changes: Partial<ProductInput>): ProductUpdated {
  const data: ProductUpdated = { product_id: id };
  if (changes.name !== undefined) data.name = changes.name;
  if (changes.description !== undefined) data.description = changes.description;
  if (changes.priceCents !== undefined) data.price_cents = changes.priceCents;
  if (changes.stock !== undefined) data.stock = changes.stock;
  if (changes.categoryId !== undefined) data.category_id = changes.categoryId;
  return data;
}

/** The `data` of `product.updated` after a stock adjustment: the new stock. */
export function stockAdjustedEvent(product: Pick<Product, 'id' | 'stock'>): ProductUpdated {
  return { product_id: product.id, stock: product.stock };
}

/** The `data` of `product.updated` after a new image: its version. */
export function imageChangedEvent(id: number, image: { etag: string }): ProductUpdated {
  return { product_id: id, image_etag: image.etag };
}

/** The `data` of `product.deleted`. */
export function productDeletedEvent(id: number): ProductDeleted {
  return { product_id: id };
}
