import { EVENT_SCHEMAS, type EventType } from '@shop/contracts';
import { databaseTargets, schemaErrors } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeholderPng } from '../../src/seed/placeholder-image.ts';
import { bearer, buildTestProduct, createCategory, createProduct, type TestProduct } from '../helpers.ts';
import { expectProblem, type OutboxRow, outboxCount, outboxFor, unique } from './support.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A CloudEvents 1.0 event of `type` from the product service, as the outbox row holds it,
 * whose data passes the type's schema in `@shop/contracts`.
 */
function expectCloudEvent(row: OutboxRow | undefined, type: EventType, data: Record<string, unknown>): void {
  expect(row).toBeDefined();
  expect(row?.type).toBe(type);
  expect(row?.event).toEqual({
    specversion: '1.0',
    id: expect.stringMatching(UUID),
    source: '/product',
    type,
    time: expect.any(String),
    datacontenttype: 'application/json',
    data,
    // The trace of the request that made the change (W3C trace context).
    traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/),
  });
  expect(row?.event.id).toBe(row?.event_id);
  expect(schemaErrors(EVENT_SCHEMAS[type], row?.event.data)).toEqual([]);
  const time = Date.parse(row?.event.time ?? '');
  expect(Math.abs(Date.now() - time)).toBeLessThan(60_000);
}

describe.each(databaseTargets())('product events in the outbox on $name', (target) => {
  let product: TestProduct;
  let category: number;

  beforeAll(async () => {
    product = await buildTestProduct(target);
    category = await createCategory(product.app, product.tokens.admin, unique('Spices'));
  });
  afterAll(() => product.close());

  const admin = () => bearer(product.tokens.admin);

  it('when a product is created, then one product.created event with its fields is in the outbox', async () => {
    const created = await createProduct(product.app, product.tokens.admin, {
      name: unique('Saffron'),
      description: 'Threads.',
      price_cents: 899,
      stock: 3,
      category_id: category,
    });
    const rows = await outboxFor(product, created.id);
    expect(rows).toHaveLength(1);
    expectCloudEvent(rows[0], 'product.created', {
      product_id: created.id,
      name: created.name,
      description: 'Threads.',
      price_cents: 899,
      stock: 3,
      category_id: category,
    });
  });

  it('when a product is patched, then product.updated carries the id and only the changed fields', async () => {
    const created = await createProduct(product.app, product.tokens.admin, {
      name: unique('Cumin'),
      category_id: category,
    });
    const response = await product.app.inject({
      method: 'PATCH',
      url: `/api/products/${created.id}`,
      headers: admin(),
      payload: { price_cents: 275, description: 'Ground.' },
    });
    expect(response.statusCode).toBe(200);
    const rows = await outboxFor(product, created.id);
    expect(rows.map((row) => row.type)).toEqual(['product.created', 'product.updated']);
    expectCloudEvent(rows[1], 'product.updated', { product_id: created.id, price_cents: 275, description: 'Ground.' });
  });

  it('when stock is adjusted, then product.updated carries the new stock', async () => {
    const created = await createProduct(product.app, product.tokens.admin, {
      name: unique('Clove'),
      stock: 10,
      category_id: category,
    });
    const response = await product.app.inject({
      method: 'POST',
      url: `/api/products/${created.id}/stock`,
      headers: admin(),
      payload: { delta: -4 },
    });
    expect(response.statusCode).toBe(200);
    const rows = await outboxFor(product, created.id);
    expect(rows).toHaveLength(2);
    expectCloudEvent(rows[1], 'product.updated', { product_id: created.id, stock: 6 });
  });

  it('when an image is uploaded, then product.updated names the new image', async () => {
    const created = await createProduct(product.app, product.tokens.admin, {
      name: unique('Anise'),
      category_id: category,
    });
    const response = await product.app.inject({
      method: 'PUT',
      url: `/api/products/${created.id}/image`,
      headers: { ...admin(), 'content-type': 'image/png' },
      payload: placeholderPng({ seed: 'anise', hue: 40, size: 16 }),
    });
    expect(response.statusCode).toBe(200);
    const rows = await outboxFor(product, created.id);
    expect(rows).toHaveLength(2);
    expectCloudEvent(rows[1], 'product.updated', {
      product_id: created.id,
      image_etag: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('when a product is deleted, then one product.deleted event with its id', async () => {
    const created = await createProduct(product.app, product.tokens.admin, {
      name: unique('Mace'),
      category_id: category,
    });
    const response = await product.app.inject({
      method: 'DELETE',
      url: `/api/products/${created.id}`,
      headers: admin(),
    });
    expect(response.statusCode).toBe(204);
    const rows = await outboxFor(product, created.id);
    expect(rows.map((row) => row.type)).toEqual(['product.created', 'product.deleted']);
    expectCloudEvent(rows[1], 'product.deleted', { product_id: created.id });
    // Deleting again is a 404 and announces nothing.
    expect(
      (await product.app.inject({ method: 'DELETE', url: `/api/products/${created.id}`, headers: admin() })).statusCode,
    ).toBe(404);
    expect(await outboxFor(product, created.id)).toHaveLength(2);
  });

  it('when writes are refused (409, 422, 400, 403, 404), then no event is written', async () => {
    const created = await createProduct(product.app, product.tokens.admin, {
      name: unique('Nutmeg'),
      stock: 1,
      category_id: category,
    });
    const createdBefore = await outboxCount(product, 'product.created');
    const refused = [
      { method: 'POST', url: `/api/products/${created.id}/stock`, payload: { delta: -2 }, status: 409 },
      { method: 'PATCH', url: `/api/products/${created.id}`, payload: { category_id: 2_147_483_647 }, status: 422 },
      { method: 'PATCH', url: `/api/products/${created.id}`, payload: { price_cents: -1 }, status: 400 },
      { method: 'PATCH', url: `/api/products/${created.id}`, payload: {}, status: 400 },
      {
        method: 'POST',
        url: '/api/products',
        payload: { name: unique('Ghost'), description: '', price_cents: 1, stock: 1, category_id: 2_147_483_647 },
        status: 422,
      },
      { method: 'PATCH', url: '/api/products/2147483647', payload: { price_cents: 1 }, status: 404 },
    ] as const;
    for (const request of refused) {
      const response = await product.app.inject({
        method: request.method,
        url: request.url,
        headers: admin(),
        payload: request.payload,
      });
      expectProblem(response, request.status);
    }
    const asCustomer = await product.app.inject({
      method: 'PATCH',
      url: `/api/products/${created.id}`,
      headers: bearer(product.tokens.customer),
      payload: { price_cents: 1 },
    });
    expectProblem(asCustomer, 403);
    expect(await outboxFor(product, created.id)).toHaveLength(1);
    expect(await outboxCount(product, 'product.created')).toBe(createdBefore);
  });

  it('when a product name holds NUL and is refused, then neither product nor event is written', async () => {
    const before = await outboxCount(product, 'product.created');
    const response = await product.app.inject({
      method: 'POST',
      url: '/api/products',
      headers: admin(),
      payload: { name: 'Bad\u0000name', description: '', price_cents: 1, stock: 1, category_id: category },
    });
    expectProblem(response, 400);
    expect(await outboxCount(product, 'product.created')).toBe(before);
  });
});
