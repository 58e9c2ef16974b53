import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestProduct, createCategory, createProduct, type TestProduct } from './helpers.ts';

describe.each(databaseTargets())('product smoke on $name', (target) => {
  let product: TestProduct;
  beforeAll(async () => {
    product = await buildTestProduct(target);
  });
  afterAll(() => product.close());

  it('when an admin creates a product and the order service reserves it, then stock goes down', async () => {
    const { app, tokens } = product;
    const category = await createCategory(app, tokens.admin, 'Meat');
    const created = await createProduct(app, tokens.admin, { name: 'Ham', stock: 3, category_id: category });
    const reserve = await app.inject({
      method: 'POST',
      url: '/internal/reservations',
      headers: bearer(tokens.orderService),
      payload: { order_ref: 'o-1', items: [{ product_id: created.id, quantity: 2 }] },
    });
    expect(reserve.statusCode).toBe(201);
    const after = await app.inject({ method: 'GET', url: `/api/products/${created.id}` });
    expect(after.json().stock).toBe(1);
    const short = await app.inject({
      method: 'POST',
      url: '/internal/reservations',
      headers: bearer(tokens.orderService),
      payload: { order_ref: 'o-2', items: [{ product_id: created.id, quantity: 2 }] },
    });
    expect(short.statusCode).toBe(409);
    expect(short.json().errors).toEqual([{ product_id: created.id, requested: 2, available: 1 }]);
    const list = await app.inject({ method: 'GET', url: '/api/products?q=ham' });
    expect(list.json().items.map((item: { id: number }) => item.id)).toEqual([created.id]);
  });
});
