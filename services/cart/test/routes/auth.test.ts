import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestCart, cartOf, expectProblem, SCOPES, type TestCart } from '../helpers.ts';

interface Endpoint {
  method: 'GET' | 'PUT' | 'DELETE';
  url: () => string;
  payload?: object;
}

describe('authentication and scopes', () => {
  let shop: TestCart;
  let productId: number;
  let endpoints: Endpoint[];

  beforeAll(async () => {
    shop = await buildTestCart('pglite');
    productId = (await shop.makeProduct()).id;
    endpoints = [
      { method: 'GET', url: () => '/api/cart' },
      { method: 'PUT', url: () => `/api/cart/items/${productId}`, payload: { quantity: 1 } },
      { method: 'DELETE', url: () => `/api/cart/items/${productId}` },
      { method: 'DELETE', url: () => '/api/cart' },
    ];
  });
  afterAll(() => shop?.close());

  const call = (endpoint: Endpoint, headers: Record<string, string>) =>
    shop.cart.app.inject({ method: endpoint.method, url: endpoint.url(), headers, payload: endpoint.payload });

  it('when no token is sent, then every endpoint answers 401 with a Bearer challenge', async () => {
    for (const endpoint of endpoints) {
      const response = await call(endpoint, {});
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
    }
  });

  it('when the token is not a valid one, then 401 invalid_token', async () => {
    for (const endpoint of endpoints) {
      const response = await call(endpoint, bearer('not.a.token'));
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    }
  });

  it('when the token lacks cart:write, then 403 insufficient_scope and the cart is untouched', async () => {
    const me = await shop.newCustomer();
    await shop.cart.app.inject({
      method: 'PUT',
      url: `/api/cart/items/${productId}`,
      headers: bearer(me.token),
      payload: { quantity: 2 },
    });
    const readOnly = await shop.product.tokens.sign({ sub: String(me.userId), scope: 'product:read order:read' });
    for (const endpoint of endpoints) {
      const response = await call(endpoint, bearer(readOnly));
      expectProblem(response, 403);
      expect(response.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
    }
    expect((await cartOf(shop, me.token)).items.map((item) => item.quantity)).toEqual([2]);
  });

  it('when a service token (no user id) carries cart:write, then 403: carts belong to users', async () => {
    const service = await shop.product.tokens.sign({ sub: 'order', scope: SCOPES.customer });
    for (const endpoint of endpoints) expectProblem(await call(endpoint, bearer(service)), 403);
  });
});

describe('the OpenAPI document', () => {
  let shop: TestCart;

  beforeAll(async () => {
    shop = await buildTestCart('pglite');
  });
  afterAll(() => shop?.close());

  it('when /openapi.json is read, then each cart operation is tagged, summarised, secured and lists its responses', async () => {
    const response = await shop.cart.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const paths = response.json().paths as Record<string, Record<string, Record<string, unknown>>>;
    const operations = [
      ['/api/cart', 'get', ['200', '401', '403', '503']],
      ['/api/cart', 'delete', ['204', '401', '403']],
      ['/api/cart/items/{product_id}', 'put', ['200', '400', '401', '403', '422', '503']],
      ['/api/cart/items/{product_id}', 'delete', ['200', '400', '401', '403', '503']],
    ] as const;
    for (const [path, method, statuses] of operations) {
      const operation = paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation?.tags).toEqual(['cart']);
      expect(operation?.summary).toEqual(expect.any(String));
      expect(operation?.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(operation?.responses as object)).toEqual(expect.arrayContaining([...statuses]));
    }
  });
});
