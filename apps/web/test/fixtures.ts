import type { Product } from '../src/api/types';

/** A product as the API answers it: in stock, in category 1, €2.50, no image. */
export function product(id: number, name: string, overrides: Partial<Product> = {}): Product {
  return {
    id,
    name,
    description: `${name}, fresh.`,
    category_id: 1,
    price_cents: 250,
    currency: 'EUR',
    stock: 10,
    image_url: null,
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    ...overrides,
  };
}
