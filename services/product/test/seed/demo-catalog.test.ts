import { describe, expect, it } from 'vitest';
import { DEMO_CATEGORIES, DEMO_PRODUCTS } from '../../src/seed/demo-catalog.ts';

describe('demo catalog', () => {
  it('when listing categories, then they are the seed project’s five with nice names and hues', () => {
    expect(DEMO_CATEGORIES.map((category) => category.slug)).toEqual([
      'meat',
      'seafood',
      'beverage',
      'nonfood',
      'bakery',
    ]);
    expect(DEMO_CATEGORIES.map((category) => category.name)).toEqual([
      'Meat',
      'Seafood',
      'Beverages',
      'Non-food',
      'Bakery',
    ]);
    for (const { hue } of DEMO_CATEGORIES) {
      expect(hue).toBeGreaterThanOrEqual(0);
      expect(hue).toBeLessThan(360);
    }
  });

  it('when counting products, then there are at least 45 with unique names', () => {
    expect(DEMO_PRODUCTS.length).toBeGreaterThanOrEqual(45);
    expect(new Set(DEMO_PRODUCTS.map((product) => product.name.toLowerCase())).size).toBe(DEMO_PRODUCTS.length);
  });

  it('when grouping by category, then every slug is known and each category has at least 5 products', () => {
    const slugs = new Set(DEMO_CATEGORIES.map((category) => category.slug));
    for (const product of DEMO_PRODUCTS) expect(slugs, product.name).toContain(product.category);
    for (const slug of slugs) {
      expect(DEMO_PRODUCTS.filter((product) => product.category === slug).length, slug).toBeGreaterThanOrEqual(5);
    }
  });

  it('when checking prices and stock, then they are non-negative integers and stock is at most 200', () => {
    for (const { name, price_cents, stock } of DEMO_PRODUCTS) {
      expect(Number.isInteger(price_cents) && price_cents >= 0, name).toBe(true);
      expect(Number.isInteger(stock) && stock >= 0 && stock <= 200, name).toBe(true);
    }
  });

  it('when sorting by price, then several prices are shared so ties must be broken', () => {
    const counts = new Map<number, number>();
    for (const { price_cents } of DEMO_PRODUCTS) counts.set(price_cents, (counts.get(price_cents) ?? 0) + 1);
    const tied = [...counts.values()].filter((count) => count > 1);
    expect(tied.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...tied)).toBeGreaterThanOrEqual(3);
  });

  it('when filtering in stock, then some products are out of stock and some nearly so', () => {
    expect(DEMO_PRODUCTS.filter((product) => product.stock === 0).length).toBeGreaterThanOrEqual(3);
    expect(DEMO_PRODUCTS.filter((product) => product.stock > 0 && product.stock <= 5).length).toBeGreaterThanOrEqual(3);
  });

  it('when searching demo words, then each finds products', () => {
    const text = (product: (typeof DEMO_PRODUCTS)[number]) => `${product.name} ${product.description}`.toLowerCase();
    for (const word of ['smoked', 'organic', 'sourdough', 'salmon', 'espresso']) {
      expect(DEMO_PRODUCTS.filter((product) => text(product).includes(word)).length, word).toBeGreaterThanOrEqual(2);
    }
  });

  it('when reading descriptions, then each is one to three full sentences', () => {
    for (const { name, description } of DEMO_PRODUCTS) {
      expect(description.length, name).toBeGreaterThan(40);
      expect(description, name).toMatch(/\.$/);
      expect(description.split(/[.!?](?:\s|$)/).filter(Boolean).length, name).toBeLessThanOrEqual(3);
    }
  });
});
