import { describe, expect, it } from 'vitest';
import { syntheticProducts } from '../../src/seed/synthetic-catalog.ts';

const SLUGS = ['meat', 'seafood', 'beverage', 'nonfood', 'bakery'];

describe('syntheticProducts', () => {
  it('when drawn twice with the same seed, then the products are identical', () => {
    expect([...syntheticProducts(200, SLUGS, 7)]).toEqual([...syntheticProducts(200, SLUGS, 7)]);
  });

  it('when the default seed is used, then it equals seed 1', () => {
    expect([...syntheticProducts(20, SLUGS)]).toEqual([...syntheticProducts(20, SLUGS, 1)]);
  });

  it('when the seeds differ, then the products differ', () => {
    expect([...syntheticProducts(20, SLUGS, 1)]).not.toEqual([...syntheticProducts(20, SLUGS, 2)]);
  });

  it('when asked for a count, then exactly that many come out, and a smaller count is a prefix', () => {
    expect([...syntheticProducts(0, SLUGS)]).toEqual([]);
    expect([...syntheticProducts(1, SLUGS)]).toHaveLength(1);
    const many = [...syntheticProducts(1000, SLUGS, 3)];
    expect(many).toHaveLength(1000);
    expect([...syntheticProducts(10, SLUGS, 3)]).toEqual(many.slice(0, 10));
  });

  it('when many are drawn, then names are unique and fields are in range', () => {
    const products = [...syntheticProducts(2000, SLUGS, 11)];
    expect(new Set(products.map((product) => product.name)).size).toBe(products.length);
    for (const product of products) {
      expect(SLUGS).toContain(product.category);
      expect(product.name).toMatch(/^\w+ \w+ [\w ]+ No\. \d+$/);
      expect(product.description.split('. ')).toHaveLength(2);
      expect(Number.isInteger(product.price_cents) && product.price_cents > 0).toBe(true);
      expect(Number.isInteger(product.stock) && product.stock >= 0 && product.stock <= 500).toBe(true);
    }
  });

  it('when many are drawn, then prices come from a few values and every category is used', () => {
    const products = [...syntheticProducts(500, SLUGS, 5)];
    expect(new Set(products.map((product) => product.price_cents)).size).toBeLessThanOrEqual(10);
    expect(new Set(products.map((product) => product.category))).toEqual(new Set(SLUGS));
    expect(products.some((product) => product.stock === 0 || product.stock > 400)).toBe(true);
  });

  it('when the slugs are not demo ones, then products still get those slugs and sensible names', () => {
    const products = [...syntheticProducts(20, ['pantry'], 9)];
    for (const product of products) {
      expect(product.category).toBe('pantry');
      expect(product.name).toMatch(/No\. \d+$/);
    }
  });

  it('when the count is negative or there are no categories, then it throws', () => {
    expect(() => [...syntheticProducts(-1, SLUGS)]).toThrow(RangeError);
    expect(() => [...syntheticProducts(2.5, SLUGS)]).toThrow(RangeError);
    expect(() => [...syntheticProducts(3, [])]).toThrow(RangeError);
  });
});
