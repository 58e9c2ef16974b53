import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bus, createLogger, type Database, type HttpApp } from '@shop/platform';
import { type DatabaseTarget, testSigningKey } from '@shop/platform/testing';
import { buildProductApp, MIGRATIONS_FOLDER, type ProductService } from '../src/app.ts';
import type { Clock, OrderOutcomes } from '../src/domain/ports.ts';
import { FsBlobStore } from '../src/images/fs-blob-store.ts';
import { FakeOrderOutcomes } from './fakes/order-outcomes.ts';

export const ISSUER = 'http://shop.test';

export const SCOPES = {
  customer: 'product:read cart:write order:read order:create',
  admin:
    'product:read cart:write order:read order:create product:write inventory:write order:read-all order:write user:read user:write analytics:read',
  orderService: 'inventory:reserve',
  productService: 'order:reconcile',
};

/** A signing key of the test's own, standing in for the account service's JWKS. */
export async function testTokens() {
  const { verifier, sign } = await testSigningKey(ISSUER);
  return {
    verifier,
    sign,
    admin: await sign({ sub: '1', scope: SCOPES.admin, role: 'admin', email: 'admin@example.com' }),
    customer: await sign({ sub: '2', scope: SCOPES.customer, role: 'customer', email: 'ada@example.com' }),
    orderService: await sign({ sub: 'order', scope: SCOPES.orderService }),
    productService: await sign({ sub: 'product', scope: SCOPES.productService }),
  };
}

export type TestTokens = Awaited<ReturnType<typeof testTokens>>;

export interface TestProduct extends ProductService {
  database: Database;
  /** The order service's answers to the sweeper: the fake unless the test gave a port. */
  orders: OrderOutcomes;
  tokens: TestTokens;
  imageDir: string;
  close(): Promise<void>;
}

/** The product service on a fresh, migrated database of `target`, images in a temp folder. */
export async function buildTestProduct(
  target: DatabaseTarget,
  options: { reservationTtlSeconds?: number; clock?: Clock; orders?: OrderOutcomes; bus?: Bus } = {},
): Promise<TestProduct> {
  const { database, cleanup } = await target.open({ service: 'product', migrationsFolder: MIGRATIONS_FOLDER });
  const tokens = await testTokens();
  const imageDir = mkdtempSync(join(tmpdir(), 'shop-images-'));
  const orders = options.orders ?? new FakeOrderOutcomes();
  const service = await buildProductApp({
    config: {
      CURRENCY: 'EUR',
      RESERVATION_TTL: options.reservationTtlSeconds ?? 900,
      RESERVATION_SWEEP_INTERVAL: 3600,
      PUBLIC_URL: ISSUER,
    },
    database,
    logger: createLogger({ name: 'product-test', level: 'silent' }),
    blobs: new FsBlobStore(imageDir),
    verifier: tokens.verifier,
    orders,
    clock: options.clock,
    bus: options.bus,
  });
  return {
    ...service,
    database,
    orders,
    tokens,
    imageDir,
    close: async () => {
      await service.app.close();
      await cleanup();
      rmSync(imageDir, { recursive: true, force: true });
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Creates a category through the API and returns its id. */
export async function createCategory(app: HttpApp, token: string, name: string): Promise<number> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/categories',
    headers: bearer(token),
    payload: { name },
  });
  if (response.statusCode !== 201) throw new Error(`category: ${response.statusCode} ${response.body}`);
  return response.json().id;
}

/** Creates a product through the API and returns it. */
export async function createProduct(
  app: HttpApp,
  token: string,
  product: { name: string; description?: string; price_cents?: number; stock?: number; category_id: number },
): Promise<{ id: number; name: string; price_cents: number; stock: number }> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/products',
    headers: bearer(token),
    payload: { description: '', price_cents: 100, stock: 10, ...product },
  });
  if (response.statusCode !== 201) throw new Error(`product: ${response.statusCode} ${response.body}`);
  return response.json();
}
