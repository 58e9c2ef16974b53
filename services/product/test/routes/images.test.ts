import { createHash } from 'node:crypto';
import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeholderPng } from '../../src/seed/placeholder-image.ts';
import { bearer, buildTestProduct, createCategory, createProduct, type TestProduct } from '../helpers.ts';
import { expectProblem, getProduct, minimalJpeg, minimalWebp, unique } from './support.ts';

describe.each(databaseTargets())('product images on $name', (target) => {
  let product: TestProduct;
  let category: number;

  beforeAll(async () => {
    product = await buildTestProduct(target);
    category = await createCategory(product.app, product.tokens.admin, unique('Bakery'));
  });
  afterAll(() => product.close());

  const make = async () =>
    (await createProduct(product.app, product.tokens.admin, { name: unique('Loaf'), category_id: category })).id;
  const put = (id: number, bytes: Buffer | string, contentType: string, token = product.tokens.admin) =>
    product.app.inject({
      method: 'PUT',
      url: `/api/products/${id}/image`,
      headers: { ...bearer(token), 'content-type': contentType },
      payload: bytes,
    });
  const png = (seed: string) => placeholderPng({ seed, hue: 30, size: 24 });

  describe('PUT /api/products/{id}/image', () => {
    it('when real PNG bytes are sent as image/png, then 200 with the product and its versioned image_url', async () => {
      const id = await make();
      const bytes = png(unique('png'));
      const response = await put(id, bytes, 'image/png');
      expect(response.statusCode).toBe(200);
      const body = response.json();
      const version = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      expect(body).toMatchObject({ id, currency: 'EUR', image_url: `/api/products/${id}/image?v=${version}` });
      expect((await getProduct(product.app, id)).json().image_url).toBe(body.image_url);
    });

    it('when a real JPEG is sent as image/jpeg, then 200 and GET returns it as image/jpeg', async () => {
      const id = await make();
      const jpeg = minimalJpeg();
      expect([...jpeg.subarray(0, 4)]).toEqual([0xff, 0xd8, 0xff, 0xe0]);
      expect([...jpeg.subarray(-2)]).toEqual([0xff, 0xd9]);
      const response = await put(id, jpeg, 'image/jpeg');
      expect(response.statusCode).toBe(200);
      const image = await product.app.inject({ method: 'GET', url: response.json().image_url });
      expect(image.statusCode).toBe(200);
      expect(image.headers['content-type']).toBe('image/jpeg');
      expect(image.rawPayload.equals(jpeg)).toBe(true);
    });

    it('when a WebP is sent as image/webp, then 200', async () => {
      const id = await make();
      const response = await put(id, minimalWebp(), 'image/webp');
      expect(response.statusCode).toBe(200);
      expect(response.json().image_url).toMatch(/\?v=[0-9a-f]{16}$/);
    });

    it('when the content type carries parameters, then they are ignored', async () => {
      const id = await make();
      expect((await put(id, png(unique('params')), 'image/png; charset=binary')).statusCode).toBe(200);
    });

    it('when PNG bytes are declared image/jpeg, then 415 and no image is set', async () => {
      const id = await make();
      expectProblem(await put(id, png(unique('liar')), 'image/jpeg'), 415);
      expect((await getProduct(product.app, id)).json().image_url).toBeNull();
    });

    it('when a text file saying "PNG hello" is declared image/png, then 415', async () => {
      const id = await make();
      expectProblem(await put(id, Buffer.from('PNG hello'), 'image/png'), 415);
      expectProblem(await put(id, Buffer.from('\x89PNG hello'), 'image/png'), 415);
    });

    it('when the body is empty, then 415 or 400, never a 5xx', async () => {
      const id = await make();
      const response = await put(id, Buffer.alloc(0), 'image/png');
      expect([400, 415]).toContain(response.statusCode);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('when the content type is text/plain, application/json or missing, then 415', async () => {
      const id = await make();
      expectProblem(await put(id, 'hello', 'text/plain'), 415);
      expectProblem(await put(id, '{"image":"x"}', 'application/json'), 415);
      expectProblem(await put(id, png(unique('octet')), 'application/octet-stream'), 415);
      const none = await product.app.inject({
        method: 'PUT',
        url: `/api/products/${id}/image`,
        headers: bearer(product.tokens.admin),
        payload: png(unique('none')),
      });
      expect([400, 415]).toContain(none.statusCode);
      expect(none.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('when the body is over 5 MiB, then 413 problem+json', async () => {
      const id = await make();
      const huge = Buffer.concat([png(unique('huge')), Buffer.alloc(5 * 1024 * 1024)]);
      expectProblem(await put(id, huge, 'image/png'), 413);
      expect((await getProduct(product.app, id)).json().image_url).toBeNull();
    });

    it('when the body is just under 5 MiB and a real PNG start, then it is accepted', async () => {
      const id = await make();
      const head = png(unique('big'));
      const big = Buffer.concat([head, Buffer.alloc(5 * 1024 * 1024 - head.length)]);
      expect((await put(id, big, 'image/png')).statusCode).toBe(200);
    });

    it('when the product does not exist or is archived, then 404', async () => {
      expectProblem(await put(2_147_483_647, png(unique('nobody')), 'image/png'), 404);
      const id = await make();
      expect(
        (
          await product.app.inject({
            method: 'DELETE',
            url: `/api/products/${id}`,
            headers: bearer(product.tokens.admin),
          })
        ).statusCode,
      ).toBe(204);
      expectProblem(await put(id, png(unique('archived')), 'image/png'), 404);
    });

    it('when a customer uploads, then 403; without a token, 401', async () => {
      const id = await make();
      expectProblem(await put(id, png(unique('customer')), 'image/png', product.tokens.customer), 403);
      const anonymous = await product.app.inject({
        method: 'PUT',
        url: `/api/products/${id}/image`,
        headers: { 'content-type': 'image/png' },
        payload: png(unique('anonymous')),
      });
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer\b/);
      expect((await getProduct(product.app, id)).json().image_url).toBeNull();
    });

    it('when the image is replaced, then image_url changes and the new bytes are served', async () => {
      const id = await make();
      const first = (await put(id, png(unique('first')), 'image/png')).json().image_url;
      const newer = png(unique('second'));
      const second = (await put(id, newer, 'image/png')).json().image_url;
      expect(second).not.toBe(first);
      const image = await product.app.inject({ method: 'GET', url: second });
      expect(image.rawPayload.equals(newer)).toBe(true);
    });
  });

  describe('GET /api/products/{id}/image', () => {
    it('when the product has a PNG, then the identical bytes with type, ETag and immutable caching for ?v=', async () => {
      const id = await make();
      const bytes = png(unique('served'));
      const imageUrl = (await put(id, bytes, 'image/png')).json().image_url as string;
      const response = await product.app.inject({ method: 'GET', url: imageUrl });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('image/png');
      expect(response.rawPayload.equals(bytes)).toBe(true);
      expect(response.headers.etag).toBe(`"${createHash('sha256').update(bytes).digest('hex')}"`);
      expect(response.headers['cache-control']).toMatch(/immutable/);
      expect(response.headers['cache-control']).toMatch(/max-age=31536000/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    });

    it('when fetched without ?v= or with a version that is not the image, then it may be cached only briefly', async () => {
      const id = await make();
      await put(id, png(unique('short')), 'image/png');
      for (const query of ['', '?v=', '?v=0', '?v=0000000000000000']) {
        const response = await product.app.inject({ method: 'GET', url: `/api/products/${id}/image${query}` });
        expect(response.statusCode).toBe(200);
        expect(response.headers['cache-control'], query).not.toMatch(/immutable/);
      }
    });

    it('when If-None-Match carries the ETag, then 304 with the ETag and no body', async () => {
      const id = await make();
      const imageUrl = (await put(id, png(unique('etag')), 'image/png')).json().image_url as string;
      const etag = (await product.app.inject({ method: 'GET', url: imageUrl })).headers.etag as string;
      for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
        const response = await product.app.inject({
          method: 'GET',
          url: imageUrl,
          headers: { 'if-none-match': ifNoneMatch },
        });
        expect(response.statusCode, ifNoneMatch).toBe(304);
        expect(response.body).toBe('');
        // A proxy in front reads a Content-Length on a 304 as a body that never came.
        expect(response.headers['content-length']).toBeUndefined();
        expect(response.headers.etag).toBe(etag);
      }
    });

    it('when If-None-Match carries another ETag, then 200 with the bytes', async () => {
      const id = await make();
      const bytes = png(unique('stale'));
      const imageUrl = (await put(id, bytes, 'image/png')).json().image_url as string;
      const response = await product.app.inject({
        method: 'GET',
        url: imageUrl,
        headers: { 'if-none-match': '"stale"' },
      });
      expect(response.statusCode).toBe(200);
      expect(response.rawPayload.equals(bytes)).toBe(true);
    });

    it('when HEAD is sent, then 200 with the headers and no body', async () => {
      const id = await make();
      const bytes = png(unique('head'));
      const imageUrl = (await put(id, bytes, 'image/png')).json().image_url as string;
      const response = await product.app.inject({ method: 'HEAD', url: imageUrl });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('');
      expect(response.headers['content-type']).toBe('image/png');
      expect(response.headers.etag).toMatch(/^"[0-9a-f]{64}"$/);
    });

    it('when the product has no image, then 404 problem (GET and HEAD)', async () => {
      const id = await make();
      expectProblem(await product.app.inject({ method: 'GET', url: `/api/products/${id}/image` }), 404);
      const head = await product.app.inject({ method: 'HEAD', url: `/api/products/${id}/image` });
      expect(head.statusCode).toBe(404);
    });

    it('when the product does not exist or is archived, then 404', async () => {
      expectProblem(await product.app.inject({ method: 'GET', url: '/api/products/2147483647/image' }), 404);
      const id = await make();
      await put(id, png(unique('archived image')), 'image/png');
      await product.app.inject({ method: 'DELETE', url: `/api/products/${id}`, headers: bearer(product.tokens.admin) });
      expectProblem(await product.app.inject({ method: 'GET', url: `/api/products/${id}/image` }), 404);
    });

    it('when the id or ?v= is malformed, then 400', async () => {
      expectProblem(await product.app.inject({ method: 'GET', url: '/api/products/abc/image' }), 400);
      const id = await make();
      await put(id, png(unique('long v')), 'image/png');
      expectProblem(
        await product.app.inject({ method: 'GET', url: `/api/products/${id}/image?v=${'a'.repeat(65)}` }),
        400,
      );
    });
  });
});
