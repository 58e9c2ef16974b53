import { randomUUID } from 'node:crypto';
import { databaseTargets } from '@shop/platform/testing';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeholderPng } from '../../src/seed/placeholder-image.ts';
import {
  bearer,
  buildTestProduct,
  createCategory,
  createProduct,
  ISSUER,
  SCOPES,
  type TestProduct,
} from '../helpers.ts';
import { expectProblem, getProduct, unique } from './support.ts';

interface Endpoint {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: () => string;
  scope: string;
  /** Tokens that are valid but lack the scope. */
  without: Array<'customer' | 'admin' | 'orderService'>;
  payload?: () => object | Buffer;
  contentType?: string;
}

/** A token for the right issuer, signed by a key the service does not know. */
async function foreignToken(scope: string): Promise<string> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'test-key' })
    .setIssuer(ISSUER)
    .setSubject('1')
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(privateKey);
}

describe.each(databaseTargets())('authentication and scopes on $name', (target) => {
  let product: TestProduct;
  let category: number;
  let productId: number;
  let untouched: Record<string, unknown>;
  let foreign: string;

  beforeAll(async () => {
    product = await buildTestProduct(target);
    category = await createCategory(product.app, product.tokens.admin, unique('Garden'));
    productId = (
      await createProduct(product.app, product.tokens.admin, { name: unique('Spade'), stock: 5, category_id: category })
    ).id;
    untouched = (await getProduct(product.app, productId)).json();
    foreign = await foreignToken(`${SCOPES.admin} ${SCOPES.orderService}`);
  });
  afterAll(() => product.close());

  const endpoints: Endpoint[] = [
    {
      name: 'POST /api/categories',
      method: 'POST',
      url: () => '/api/categories',
      scope: 'product:write',
      without: ['customer', 'orderService'],
      payload: () => ({ name: unique('Refused') }),
    },
    {
      name: 'POST /api/products',
      method: 'POST',
      url: () => '/api/products',
      scope: 'product:write',
      without: ['customer', 'orderService'],
      payload: () => ({ name: unique('Refused'), description: '', price_cents: 1, stock: 1, category_id: category }),
    },
    {
      name: 'PATCH /api/products/{id}',
      method: 'PATCH',
      url: () => `/api/products/${productId}`,
      scope: 'product:write',
      without: ['customer', 'orderService'],
      payload: () => ({ price_cents: 1 }),
    },
    {
      name: 'DELETE /api/products/{id}',
      method: 'DELETE',
      url: () => `/api/products/${productId}`,
      scope: 'product:write',
      without: ['customer', 'orderService'],
    },
    {
      name: 'PUT /api/products/{id}/image',
      method: 'PUT',
      url: () => `/api/products/${productId}/image`,
      scope: 'product:write',
      without: ['customer', 'orderService'],
      payload: () => placeholderPng({ seed: 'auth', hue: 100, size: 8 }),
      contentType: 'image/png',
    },
    {
      name: 'POST /api/products/{id}/stock',
      method: 'POST',
      url: () => `/api/products/${productId}/stock`,
      scope: 'inventory:write',
      without: ['customer', 'orderService'],
      payload: () => ({ delta: -1 }),
    },
    {
      name: 'POST /internal/reservations',
      method: 'POST',
      url: () => '/internal/reservations',
      scope: 'inventory:reserve',
      without: ['customer', 'admin'],
      payload: () => ({ order_ref: randomUUID(), items: [{ product_id: productId, quantity: 1 }] }),
    },
    {
      name: 'GET /internal/reservations/{id}',
      method: 'GET',
      url: () => `/internal/reservations/${randomUUID()}`,
      scope: 'inventory:reserve',
      without: ['customer', 'admin'],
    },
    {
      name: 'POST /internal/reservations/{id}/commit',
      method: 'POST',
      url: () => `/internal/reservations/${randomUUID()}/commit`,
      scope: 'inventory:reserve',
      without: ['customer', 'admin'],
    },
    {
      name: 'DELETE /internal/reservations/{id}',
      method: 'DELETE',
      url: () => `/internal/reservations/${randomUUID()}`,
      scope: 'inventory:reserve',
      without: ['customer', 'admin'],
    },
    {
      name: 'GET /internal/products/{id}',
      method: 'GET',
      url: () => `/internal/products/${productId}`,
      scope: 'inventory:reserve',
      without: ['customer', 'admin'],
    },
  ];

  const send = (endpoint: Endpoint, authorization?: string) =>
    product.app.inject({
      method: endpoint.method,
      url: endpoint.url(),
      headers: {
        ...(authorization === undefined ? {} : { authorization }),
        ...(endpoint.payload ? { 'content-type': endpoint.contentType ?? 'application/json' } : {}),
      },
      ...(endpoint.payload
        ? { payload: ((p) => (Buffer.isBuffer(p) ? p : JSON.stringify(p)))(endpoint.payload()) }
        : {}),
    });

  it('when the helpers sign tokens, then their scopes are the ones these tests assume', () => {
    expect(SCOPES.customer).not.toMatch(/product:write|inventory/);
    expect(SCOPES.admin).toMatch(/product:write/);
    expect(SCOPES.admin).not.toMatch(/inventory:reserve/);
    expect(SCOPES.orderService).toBe('inventory:reserve');
  });

  describe.each(endpoints)('$name', (endpoint) => {
    it('when there is no token, then 401 with WWW-Authenticate: Bearer', async () => {
      const response = await send(endpoint);
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
    });

    it('when the token is garbage, malformed or from another key, then 401 with WWW-Authenticate: Bearer', async () => {
      for (const authorization of [
        'Bearer garbage',
        'Bearer a.b.c',
        'Bearer ',
        'Token abc',
        `Bearer ${foreign}`,
        `Bearer ${await product.tokens.sign({ scope: endpoint.scope }, '-5m')}`,
      ]) {
        const response = await send(endpoint, authorization);
        expectProblem(response, 401);
        expect(response.headers['www-authenticate'], authorization).toMatch(/^Bearer\b/);
      }
    });

    it('when the token is valid but lacks the scope, then 403 with insufficient_scope', async () => {
      for (const who of endpoint.without) {
        const response = await send(endpoint, `Bearer ${product.tokens[who]}`);
        expectProblem(response, 403);
        expect(response.headers['www-authenticate']).toMatch(/insufficient_scope/);
      }
      const noScopes = await product.tokens.sign({ scope: '' });
      expectProblem(await send(endpoint, `Bearer ${noScopes}`), 403);
    });

    it('when a refused call is made, then the product is unchanged', async () => {
      await send(endpoint, `Bearer ${product.tokens.customer}`);
      await send(endpoint);
      expect((await getProduct(product.app, productId)).json()).toEqual(untouched);
    });
  });

  it('when the public reads are called without a token, then 200', async () => {
    for (const url of ['/api/categories', '/api/products', `/api/products/${productId}`]) {
      expect((await product.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
  });

  it('when a public read carries a garbage token, then it is still served', async () => {
    const response = await product.app.inject({
      method: 'GET',
      url: `/api/products/${productId}`,
      headers: bearer('garbage'),
    });
    expect(response.statusCode).toBe(200);
  });
});
