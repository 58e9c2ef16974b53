import { createHash } from 'node:crypto';
import { DomainError, notFound } from '@shop/platform/errors';
import { productNotFound } from './errors.ts';
import { type ImageType, sniffImageType } from './image-type.ts';
import type { BlobStore, ProductStore } from './ports.ts';
import type { Product } from './product.ts';

export interface ImageDeps {
  products: ProductStore;
  blobs: BlobStore;
}

/**
 * Stores a product image. The declared content type must be what the bytes are: a
 * text file sent as image/png is refused (415), whatever its name says.
 */
export async function uploadImage(
  productId: number,
  image: { bytes: Uint8Array; declaredType: string },
  deps: ImageDeps,
): Promise<Product> {
  const actual = sniffImageType(image.bytes);
  if (actual === null || actual !== normalizeType(image.declaredType)) {
    throw new DomainError(
      'unsupported_media',
      actual ? `The bytes are ${actual}, not ${image.declaredType}.` : 'The bytes are not a PNG, JPEG or WebP image.',
    );
  }
  if (!(await deps.products.find(productId))) throw productNotFound(productId);
  const etag = createHash('sha256').update(image.bytes).digest('hex');
  const key = `product-${productId}-${etag.slice(0, 16)}`;
  await deps.blobs.put(key, image.bytes, actual);
  const updated = await deps.products.setImage(productId, { key, etag });
  if (!updated) throw productNotFound(productId);
  return updated;
}

export async function readImage(
  productId: number,
  deps: ImageDeps,
): Promise<{ bytes: Buffer; contentType: string; etag: string }> {
  const product = await deps.products.find(productId);
  if (!product) throw productNotFound(productId);
  if (!product.imageKey || !product.imageEtag) throw notFound(`Product ${productId} has no image.`);
  const blob = await deps.blobs.get(product.imageKey);
  if (!blob) throw notFound(`Product ${productId} has no image.`);
  return { ...blob, etag: product.imageEtag };
}

function normalizeType(type: string): ImageType | string {
  return type.split(';')[0]?.trim().toLowerCase() ?? '';
}
