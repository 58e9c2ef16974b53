import { request as httpRequest } from 'node:http';
/**
 * The gateway in front of two real services (product and notification, each on its own
 * PGlite database, listening on 127.0.0.1): the merged docs, and real requests through it.
 * Importing the services here is test wiring only: the gateway's source never imports them.
 */

import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestNotification, type TestNotification } from '../../notification/test/helpers.ts';
import {
  bearer,
  buildTestProduct,
  createCategory,
  createProduct,
  type TestProduct,
} from '../../product/test/helpers.ts';
import type { OpenApiDocument } from '../src/docs/merge-openapi.ts';
import { routeFor } from '../src/routes-table.ts';
import { closedPortUrl, expectProblem, startTestGateway, type TestGateway } from './helpers.ts';

const [pglite] = databaseTargets();
let product: TestProduct;
let notification: TestNotification;
let gateway: TestGateway;
let productUrl: string;
let notificationUrl: string;

const listenOn = async (app: TestProduct['app']) => {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  if (!pglite) throw new Error('no PGlite target');
  product = await buildTestProduct(pglite);
  notification = await buildTestNotification(pglite, { start: false });
  productUrl = await listenOn(product.app);
  notificationUrl = await listenOn(notification.app);
  const nowhere = await closedPortUrl();
  gateway = await startTestGateway(
    {
      PRODUCT_URL: productUrl,
      NOTIFICATION_URL: notificationUrl,
      ACCOUNT_URL: nowhere,
      CART_URL: nowhere,
      ORDER_URL: nowhere,
      ANALYTICS_URL: nowhere,
    },
    { docsTtlMs: 300 },
  );
});

afterAll(async () => {
  await gateway?.close();
  await product?.close();
  await notification?.close();
});

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Every `$ref` string anywhere in `value`. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refs(inner),
  );
}

async function ownDocument(url: string): Promise<OpenApiDocument> {
  const response = await fetch(`${url}/openapi.json`);
  return (await response.json()) as OpenApiDocument;
}

describe('merged OpenAPI document', () => {
  let merged: OpenApiDocument;
  beforeAll(async () => {
    const response = await gateway.send({ path: '/openapi.json' });
    expect(response.status).toBe(200);
    merged = response.json<OpenApiDocument>();
  });

  it('when two services are up, then every public path of each is in it, tagged with its service', async () => {
    for (const [service, url] of [
      ['product', productUrl],
      ['notification', notificationUrl],
    ] as const) {
      const own = await ownDocument(url);
      const publicPaths = Object.keys(own.paths ?? {}).filter((path) => !path.startsWith('/internal'));
      expect(publicPaths.length).toBeGreaterThan(0);
      for (const path of publicPaths) {
        expect(Object.keys(merged.paths?.[path] ?? {}), `${service} ${path}`).toEqual(
          Object.keys(own.paths?.[path] ?? {}),
        );
        for (const method of Object.keys(own.paths?.[path] ?? {}).filter((key) => methods.includes(key))) {
          const operation = merged.paths?.[path]?.[method] as { tags?: string[] } | undefined;
          expect(operation?.tags, `${method} ${path}`).toEqual([service]);
        }
      }
    }
    expect(Object.keys(merged.paths ?? {})).toEqual(
      expect.arrayContaining(['/api/products', '/api/products/{id}/image', '/api/categories', '/api/admin/emails']),
    );
  });

  it('when a service has /internal paths, then none of them is in it, nor health, metrics or docs', async () => {
    const own = await ownDocument(productUrl);
    expect(Object.keys(own.paths ?? {}).some((path) => path.startsWith('/internal'))).toBe(true);
    for (const path of Object.keys(merged.paths ?? {})) {
      expect(path).not.toMatch(/^\/(internal|health|metrics|docs)/);
      expect(routeFor(path), path).toBeDefined();
    }
  });

  it('when it is read, then it is OpenAPI 3.1 with the gateway as server and every $ref resolving', () => {
    expect(merged.openapi).toBe('3.1.0');
    expect(merged.servers).toEqual([{ url: 'http://shop.test' }]);
    expect(merged.components?.securitySchemes).toHaveProperty('bearer');
    const allRefs = refs(merged);
    expect(allRefs.length).toBeGreaterThan(0);
    for (const ref of allRefs) {
      const [, , section, name] = ref.split('/');
      expect(merged.components?.[section ?? '']?.[name ?? ''], ref).toBeDefined();
    }
    expect(merged.tags?.map((tag) => tag.name)).toEqual(['product', 'notification']);
  });

  it('when services are down, then they are left out and named in the description', () => {
    for (const service of ['account', 'cart', 'order', 'analytics']) {
      expect(merged.info.description).toContain(`- ${service}: not included`);
    }
    expect(merged.info.description).not.toContain('- product');
    expect(merged.info.description).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  });

  it('when /docs is opened, then Swagger UI is served, and its /docs/json is the merged document', async () => {
    const page = await gateway.send({ path: '/docs' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui');
    const initializer = await gateway.send({ path: '/docs/static/swagger-initializer.js' });
    expect(initializer.status).toBe(200);
    expect(initializer.text).toContain("resolveUrl('./json')");
    const json = await gateway.send({ path: '/docs/json' });
    expect(json.status).toBe(200);
    expect(json.json<OpenApiDocument>().paths).toEqual(merged.paths);
  });
});

describe('real requests through the gateway', () => {
  it('when a client lists products and categories through the gateway, then the product service answers', async () => {
    const category = await createCategory(product.app, product.tokens.admin, 'Gateway things');
    await createProduct(product.app, product.tokens.admin, { name: 'Lamp', category_id: category, price_cents: 999 });
    const response = await gateway.send({ path: `/api/products?category=${category}&sort=-price` });
    expect(response.status).toBe(200);
    expect(response.json<{ items: Array<{ name: string }> }>().items.map((item) => item.name)).toEqual(['Lamp']);
    const bad = await gateway.send({ path: '/api/products?sort=sideways' });
    expectProblem(bad, 400);
  });

  it('when an admin uploads a PNG through the gateway, then the same bytes come back with an ETag, and 304 on revalidation', async () => {
    const category = await createCategory(product.app, product.tokens.admin, 'Images');
    const lamp = await createProduct(product.app, product.tokens.admin, { name: 'Image lamp', category_id: category });
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(2 * 1024 * 1024)]);
    const upload = await gateway.send({
      method: 'PUT',
      path: `/api/products/${lamp.id}/image`,
      headers: { ...bearer(product.tokens.admin), 'content-type': 'image/png' },
      body: png,
    });
    expect(upload.status, upload.text).toBe(200);

    const image = await gateway.send({ path: `/api/products/${lamp.id}/image` });
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.body.equals(png)).toBe(true);
    const etag = String(image.headers.etag);
    expect(etag).toMatch(/^".+"$/);
    const again = await gateway.send({ path: `/api/products/${lamp.id}/image`, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('when the body has the wrong type, then the service’s own 415 reaches the client', async () => {
    const wrongType = await gateway.send({
      method: 'POST',
      path: '/api/categories',
      headers: { ...bearer(product.tokens.admin), 'content-type': 'text/plain' },
      body: 'hello',
    });
    expectProblem(wrongType, 415);
  });

  it('when an upload is over the service’s limit, then its 413 reaches the client, every time, and the gateway carries on', async () => {
    // The service answers 413 from Content-Length before reading the body, then reads and
    // discards the rest (platform's refused-body.ts), so the gateway still writing it hears the answer.
    for (let attempt = 0; attempt < 3; attempt++) {
      const tooBig = await gateway.send({
        method: 'PUT',
        path: '/api/products/1/image',
        headers: { ...bearer(product.tokens.admin), 'content-type': 'image/png' },
        body: Buffer.alloc(6 * 1024 * 1024),
      });
      expectProblem(tooBig, 413);
    }
    expect((await gateway.send({ path: '/api/categories' })).status).toBe(200);
  });

  it('when a client sends Expect: 100-continue (as curl does for large bodies), then the gateway answers it and forwards the body', async () => {
    const category = await createCategory(product.app, product.tokens.admin, 'Expecting');
    const lamp = await createProduct(product.app, product.tokens.admin, { name: 'Expect lamp', category_id: category });
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(1024 * 1024)]);
    const headers = { ...bearer(product.tokens.admin), 'content-type': 'image/png' };
    const accepted = await putExpectingContinue(`${gateway.url}/api/products/${lamp.id}/image`, headers, png);
    expect(accepted.status, accepted.text).toBe(200);
    const refused = await putExpectingContinue(
      `${gateway.url}/api/products/${lamp.id}/image`,
      headers,
      Buffer.alloc(6 * 1024 * 1024),
    );
    expect(refused.status, refused.text).toBe(413);
  });

  it('when a request has no token, then the service’s 401 with WWW-Authenticate reaches the client', async () => {
    const response = await gateway.send({ path: '/api/admin/emails' });
    expectProblem(response, 401);
    expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer/);
  });

  it('when a client sends an x-request-id, then the service logs and echoes the same one', async () => {
    const response = await gateway.send({ path: '/api/categories', headers: { 'x-request-id': 'through-gateway-1' } });
    expect(response.status).toBe(200);
    expect(response.headers['x-request-id']).toBe('through-gateway-1');
  });
});

describe('readiness and the docs cache as services come and go', () => {
  it('when some services are down, then /health/ready is 503 naming exactly those', async () => {
    const response = await gateway.send({ path: '/health/ready' });
    const body = expectProblem(response, 503);
    expect(body.detail).toBe('Not ready: account, cart, order, analytics unavailable.');
  });

  it('when a service goes away, then the docs keep it until the cache expires, then name it as missing', async () => {
    const before = (await gateway.send({ path: '/openapi.json' })).json<OpenApiDocument>();
    expect(before.paths).toHaveProperty('/api/admin/emails');
    await notification.app.close();
    const cached = (await gateway.send({ path: '/openapi.json' })).json<OpenApiDocument>();
    expect(cached.paths).toHaveProperty('/api/admin/emails');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const after = (await gateway.send({ path: '/openapi.json' })).json<OpenApiDocument>();
    expect(after.paths).not.toHaveProperty('/api/admin/emails');
    expect(after.paths).toHaveProperty('/api/products');
    expect(after.info.description).toContain('- notification: not included');
    const proxied = await gateway.send({ path: '/api/admin/emails' });
    expect(expectProblem(proxied, 503).detail).toBe('The notification service is not reachable.');
  });
});

/** A PUT the way curl sends a large body: `Expect: 100-continue`, the body only after the 100. */
function putExpectingContinue(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'PUT',
      headers: { ...headers, expect: '100-continue', 'content-length': String(body.length) },
    });
    request.on('continue', () => request.end(body));
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
  });
}
