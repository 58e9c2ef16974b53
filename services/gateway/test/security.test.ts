import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  echo,
  expectProblem,
  startTestGateway,
  startUpstream,
  type TestGateway,
  type TestUpstream,
} from './helpers.ts';

const ALLOWED = 'https://shop.example';
const ALSO_ALLOWED = 'http://localhost:5173';

let product: TestUpstream;
beforeAll(async () => {
  product = await startUpstream(echo('product'));
});
afterAll(async () => {
  await product?.close();
});

const preflight = (origin: string, requestHeaders = 'authorization, content-type, idempotency-key') => ({
  method: 'OPTIONS' as const,
  path: '/api/products/1',
  headers: {
    origin,
    'access-control-request-method': 'PATCH',
    'access-control-request-headers': requestHeaders,
  },
});

describe('CORS with a list of origins', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ PRODUCT_URL: product.url, CORS_ORIGINS: ` ${ALLOWED}, ${ALSO_ALLOWED}/ ` });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('when an allowed origin sends a preflight, then the gateway answers 204 itself with what the API needs', async () => {
    product.received.length = 0;
    for (const origin of [ALLOWED, ALSO_ALLOWED]) {
      const response = await gateway.send(preflight(origin));
      expect(response.status).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe(origin);
      const methods = String(response.headers['access-control-allow-methods']);
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) expect(methods).toContain(method);
      const allowed = String(response.headers['access-control-allow-headers']).toLowerCase();
      for (const header of ['authorization', 'content-type', 'idempotency-key', 'x-request-id']) {
        expect(allowed).toContain(header);
      }
      expect(String(response.headers.vary).toLowerCase()).toContain('origin');
    }
    expect(product.received).toEqual([]);
  });

  it('when an origin not on the list sends a preflight, then no Access-Control-Allow-Origin is given', async () => {
    const response = await gateway.send(preflight('https://evil.example'));
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(product.received.filter((received) => received.method === 'OPTIONS')).toEqual([]);
  });

  it('when an allowed origin makes a request, then the response names it and exposes the headers clients read', async () => {
    const response = await gateway.send({ path: '/api/products', headers: { origin: ALLOWED } });
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    const exposed = String(response.headers['access-control-expose-headers']).toLowerCase();
    for (const header of ['x-request-id', 'retry-after', 'location', 'etag']) expect(exposed).toContain(header);
  });

  it('when another origin makes a request, then it is served but without Access-Control-Allow-Origin', async () => {
    const response = await gateway.send({ path: '/api/products', headers: { origin: 'https://evil.example' } });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('when an error is answered (404), then an allowed origin can still read it', async () => {
    const response = await gateway.send({ path: '/internal/reservations', headers: { origin: ALLOWED } });
    expectProblem(response, 404);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
  });
});

describe('CORS settings', () => {
  it('when CORS_ORIGINS is *, then any origin is allowed', async () => {
    const gateway = await startTestGateway({ PRODUCT_URL: product.url, CORS_ORIGINS: '*' });
    try {
      const response = await gateway.send(preflight('https://anyone.example'));
      expect(response.status).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe('*');
    } finally {
      await gateway.close();
    }
  });

  it('when CORS_ORIGINS is empty, then no CORS header is sent and OPTIONS goes to the service', async () => {
    const gateway = await startTestGateway({ PRODUCT_URL: product.url, CORS_ORIGINS: '' });
    try {
      product.received.length = 0;
      const response = await gateway.send({ path: '/api/products', headers: { origin: ALLOWED } });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      expect(response.headers['access-control-expose-headers']).toBeUndefined();
      await gateway.send(preflight(ALLOWED));
      expect(product.received.map((received) => received.method)).toEqual(['GET', 'OPTIONS']);
    } finally {
      await gateway.close();
    }
  });
});

describe('security headers', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ PRODUCT_URL: product.url });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it.each([
    ['a proxied response', '/api/products'],
    ['the gateway’s own 404', '/nothing'],
    ['the docs page', '/docs'],
    ['the root', '/'],
  ])('when the gateway answers %s, then the security headers are present', async (_what, path) => {
    const response = await gateway.send({ path });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('when the docs are viewed, then the CSP allows what Swagger UI needs (its styles, data: images, calls to the API)', async () => {
    const csp = String((await gateway.send({ path: '/docs' })).headers['content-security-policy']);
    expect(csp).toMatch(/style-src [^;]*'unsafe-inline'/);
    expect(csp).toMatch(/img-src [^;]*data:/);
    expect(csp).toMatch(/connect-src 'self' http:\/\/shop\.test/);
  });

  it('when HSTS_MAX_AGE is set, then Strict-Transport-Security is sent and insecure requests are upgraded', async () => {
    const https = await startTestGateway({ PRODUCT_URL: product.url, HSTS_MAX_AGE: 86_400 });
    try {
      const response = await https.send({ path: '/api/products' });
      expect(response.headers['strict-transport-security']).toBe('max-age=86400; includeSubDomains');
      expect(String(response.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    } finally {
      await https.close();
    }
  });
});
