import { DomainError } from '@shop/platform';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProductCatalog } from '../../src/clients/product-catalog.ts';
import { FakeProductService } from '../fakes/product-service.ts';

describe('the product catalog client', () => {
  let fake: FakeProductService;
  let catalog: ProductCatalog;

  beforeAll(async () => {
    fake = await FakeProductService.start([
      { id: 1, name: 'Loaf', price_cents: 450, stock: 12 },
      { id: 2, name: 'Jar', price_cents: 300, stock: 0 },
      { id: 3, name: 'Old jar', price_cents: 300, stock: 9, archived: true },
    ]);
    catalog = new ProductCatalog(fake.url);
  });
  afterEach(() => {
    fake.failing = undefined;
  });
  afterAll(async () => {
    await catalog?.close();
    await fake?.close();
  });

  const unavailable = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('unavailable');
  };

  it('when products are looked up, then those the catalog has come with their stock, archived and unknown ones left out', async () => {
    const found = await catalog.products([1, 2, 3, 404]);
    expect([...found.entries()]).toEqual([
      [1, { id: 1, name: 'Loaf', price_cents: 450, stock: 12 }],
      [2, { id: 2, name: 'Jar', price_cents: 300, stock: 0 }],
    ]);
    expect(await catalog.products([])).toEqual(new Map());
  });

  it('when the whole catalog is read, then every product on sale comes, newest first', async () => {
    expect((await catalog.all()).map((product) => product.id)).toEqual([2, 1]);
  });

  it('when the product service refuses (429), fails (500) or is away, then the client says unavailable', async () => {
    fake.failing = 429;
    await unavailable(catalog.products([1]));
    await unavailable(catalog.all());
    fake.failing = 500;
    await unavailable(catalog.products([1, 2]));
    fake.failing = undefined;
    await fake.stop();
    try {
      await unavailable(catalog.products([1]));
    } finally {
      await fake.start();
    }
    expect((await catalog.products([1])).size).toBe(1);
  });
});
