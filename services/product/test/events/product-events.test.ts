import { ProductCreated, ProductDeleted, ProductUpdated } from '@shop/contracts';
import { schemaErrors } from '@shop/platform/testing';
import { describe, expect, it } from 'vitest';
import type { Product } from '../../src/domain/product.ts';
import {
  imageChangedEvent,
  productCreatedEvent,
  productDeletedEvent,
  productEditedEvent,
  stockAdjustedEvent,
} from '../../src/events/product-events.ts';

const product: Product = {
  id: 4,
  name: 'Smoked paprika',
  description: 'Sweet, from La Vera.',
  priceCents: 0,
  stock: 0,
  categoryId: 2,
  imageKey: 'products/4',
  imageEtag: 'a'.repeat(64),
  archivedAt: null,
  createdAt: new Date('2025-01-02T03:04:05Z'),
  updatedAt: new Date('2025-01-02T03:04:05Z'),
};

describe('the product service’s events', () => {
  it('when a product is created, then product.created carries every field an admin sets and passes ProductCreated', () => {
    const data = productCreatedEvent(product);
    expect(data).toEqual({
      product_id: 4,
      name: 'Smoked paprika',
      description: 'Sweet, from La Vera.',
      price_cents: 0,
      stock: 0,
      category_id: 2,
    });
    expect(schemaErrors(ProductCreated, data)).toEqual([]);
  });

  it('when a product is edited, then product.updated carries the given fields only and passes ProductUpdated', () => {
    const every = productEditedEvent(4, { name: 'Paprika', description: '', priceCents: 275, stock: 9, categoryId: 3 });
    expect(every).toEqual({
      product_id: 4,
      name: 'Paprika',
      description: '',
      price_cents: 275,
      stock: 9,
      category_id: 3,
    });
    expect(productEditedEvent(4, { priceCents: 275 })).toEqual({ product_id: 4, price_cents: 275 });
    for (const data of [
      every,
      productEditedEvent(4, {}),
      stockAdjustedEvent(product),
      imageChangedEvent(4, { etag: 'e' }),
    ]) {
      expect(schemaErrors(ProductUpdated, data)).toEqual([]);
    }
  });

  it('when stock moves or an image changes, then product.updated names the new stock or the image’s version', () => {
    expect(stockAdjustedEvent({ id: 4, stock: 6 })).toEqual({ product_id: 4, stock: 6 });
    expect(imageChangedEvent(4, { etag: 'b'.repeat(64) })).toEqual({ product_id: 4, image_etag: 'b'.repeat(64) });
  });

  it('when a product is deleted, then product.deleted passes ProductDeleted', () => {
    expect(productDeletedEvent(4)).toEqual({ product_id: 4 });
    expect(schemaErrors(ProductDeleted, productDeletedEvent(4))).toEqual([]);
  });

  it('when product.updated has a field of the wrong type or no id, then ProductUpdated refuses it', () => {
    expect(schemaErrors(ProductUpdated, { product_id: 4, stock: -1 })).not.toEqual([]);
    expect(schemaErrors(ProductUpdated, { product_id: 4, price_cents: '275' })).not.toEqual([]);
    expect(schemaErrors(ProductUpdated, { stock: 3 })).not.toEqual([]);
  });
});
