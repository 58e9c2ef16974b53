import { createHash } from 'node:crypto';
import { ruleViolation } from '@shop/platform/errors';

/** The largest stock the database stores (its integer column); adjustments stop there. */
export const MAX_STOCK = 2_147_483_647;

export interface Product {
  id: number;
  name: string;
  description: string;
  priceCents: number;
  stock: number;
  categoryId: number;
  imageKey: string | null;
  imageEtag: string | null;
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Category {
  id: number;
  name: string;
  slug: string;
}

/** The fields an admin sets; all of them on create, any of them on update. */
export interface ProductInput {
  name: string;
  description: string;
  priceCents: number;
  stock: number;
  categoryId: number;
}

export interface ProductView {
  id: number;
  name: string;
  description: string;
  price_cents: number;
  currency: string;
  stock: number;
  category_id: number;
  image_url: string | null;
  created_at: string;
  updated_at: string;
}

export function toView(product: Product, currency: string): ProductView {
  return {
    id: product.id,
    name: product.name,
    description: product.description,
    price_cents: product.priceCents,
    currency,
    stock: product.stock,
    category_id: product.categoryId,
    image_url: imageUrl(product),
    created_at: product.createdAt.toISOString(),
    updated_at: product.updatedAt.toISOString(),
  };
}

/** The image URL changes with the image, so clients and caches may keep it for long. */
export function imageUrl(product: Pick<Product, 'id' | 'imageEtag'>): string | null {
  return product.imageEtag ? `/api/products/${product.id}/image?v=${product.imageEtag.slice(0, 16)}` : null;
}

/** Names are trimmed and must keep a visible character. */
export function normalizeName(name: string, field = 'name'): string {
  const trimmed = name.normalize('NFC').trim();
  if (trimmed.length === 0) {
    throw ruleViolation(`The ${field} must not be blank.`, { errors: [{ field, message: 'must not be blank' }] });
  }
  return trimmed;
}

/** URL-safe slug of a category name: "Non-food & Home" → "non-food-home". */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  // Names without Latin letters ("日本") get a stable slug of their own.
  return slug || `c-${createHash('sha256').update(name).digest('hex').slice(0, 10)}`;
}
