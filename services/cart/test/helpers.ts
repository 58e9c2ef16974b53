/**
 * The cart service on a real store, talking over real HTTP to a real product service
 * (its own PGlite, listening on 127.0.0.1). Importing the product service here is test
 * wiring only: the cart service's source never imports it.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { EVENT_TYPES, type OrderPlaced } from '@shop/contracts';
import { cloudEvent, createLogger, InProcessBus, ServiceClient } from '@shop/platform';
import { databaseTargets, switchableServer, testServers } from '@shop/platform/testing';
import type { LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import {
  bearer,
  buildTestProduct,
  createCategory,
  createProduct,
  SCOPES,
  type TestProduct,
} from '../../product/test/helpers.ts';
import { buildCartApp, type CartService, type CartStorage, MIGRATIONS_FOLDER } from '../src/app.ts';
import { HttpProductCatalog } from '../src/clients/product-client.ts';
import type { CartView } from '../src/domain/cart.ts';

export { bearer, SCOPES };

export type StoreKind = 'pglite' | 'redis';

/** The stores route tests run on: PGlite always, Redis when reachable. */
export function storeKinds(): StoreKind[] {
  return testServers().redisUrl ? ['pglite', 'redis'] : ['pglite'];
}

export interface TestCart {
  cart: CartService;
  product: TestProduct;
  bus: InProcessBus;
  /** An admin of the product service (user 1), signed by the key both services trust. */
  admin: string;
  /** A customer token for a user id no other test uses. */
  newCustomer(): Promise<{ userId: number; token: string }>;
  /** A product on sale at the product service. */
  makeProduct(priceCents?: number): Promise<{ id: number; name: string; price_cents: number }>;
  /** Changes a product at the product service, as an admin would. */
  patchProduct(id: number, changes: { price_cents?: number; name?: string }): Promise<void>;
  /** Archives a product at the product service (its public endpoint answers 404 from then on). */
  archiveProduct(id: number): Promise<void>;
  /** Stops the product service listening (connections dropped); `startProduct` brings it back on the same port. */
  stopProduct(): Promise<void>;
  startProduct(): Promise<void>;
  close(): Promise<void>;
}

let nextUserId = 5_000;

/**
 * Both services, the cart on `store`. One signing key (the product test helper's) signs
 * the tokens both trust.
 */
export async function buildTestCart(
  store: StoreKind,
  options: {
    priceTtlSeconds?: number;
    maxLines?: number;
    upstreamTimeoutMs?: number;
    /** Redis at another address than the test server's (a proxy in front of it). */
    redisUrl?: string;
  } = {},
): Promise<TestCart> {
  const [pglite] = databaseTargets();
  if (!pglite) throw new Error('no PGlite target');
  const product = await buildTestProduct(pglite);
  await product.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (product.app.server.address() as AddressInfo).port;
  const storage = await openStorage(store, options.redisUrl);
  const http = new ServiceClient({
    service: 'product',
    baseUrl: `http://127.0.0.1:${port}`,
    timeoutMs: options.upstreamTimeoutMs ?? 2_000,
  });
  const logger = createLogger({ name: 'cart-test', level: 'silent' });
  const bus = new InProcessBus({ logger });
  const cart = await buildCartApp({
    config: {
      CURRENCY: 'EUR',
      PUBLIC_URL: 'http://shop.test',
      CART_MAX_LINES: options.maxLines ?? 100,
      CART_IDLE_DAYS: 30,
    },
    storage: storage.storage,
    products: new HttpProductCatalog(http, { ttlSeconds: options.priceTtlSeconds ?? 0 }),
    logger,
    verifier: product.tokens.verifier,
    bus,
  });
  await cart.start();
  const category = await createCategory(product.app, product.tokens.admin, `Cart ${port}`);
  const productServer = switchableServer(product.app.server);

  const adminCall = async (method: 'PATCH' | 'DELETE', id: number, payload?: object) => {
    const response = await product.app.inject({
      method,
      url: `/api/products/${id}`,
      headers: bearer(product.tokens.admin),
      payload,
    });
    if (response.statusCode >= 300) throw new Error(`${method} product ${id}: ${response.statusCode} ${response.body}`);
  };

  return {
    cart,
    product,
    bus,
    admin: product.tokens.admin,
    newCustomer: async () => {
      const userId = nextUserId++;
      const token = await product.tokens.sign({ sub: String(userId), scope: SCOPES.customer, role: 'customer' });
      return { userId, token };
    },
    makeProduct: (priceCents = 100) =>
      createProduct(product.app, product.tokens.admin, {
        name: `Thing ${Math.random().toString(36).slice(2, 10)}`,
        price_cents: priceCents,
        stock: 10,
        category_id: category,
      }),
    patchProduct: (id, changes) => adminCall('PATCH', id, changes),
    archiveProduct: (id) => adminCall('DELETE', id),
    stopProduct: () => productServer.stop(),
    startProduct: () => productServer.start(),
    close: async () => {
      await bus.close();
      await cart.app.close();
      await http.close();
      await storage.close();
      await productServer.restore();
      await product.close();
    },
  };
}

/** A fresh store: its own PGlite, or a Redis key prefix no other run uses (deleted afterwards). */
async function openStorage(
  store: StoreKind,
  redisUrl = testServers().redisUrl ?? '',
): Promise<{ storage: CartStorage; close(): Promise<void> }> {
  if (store === 'redis') {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, commandTimeout: 1_000 });
    redis.on('error', () => {}); // tests cut the connection on purpose
    const keyPrefix = `cart-test-${randomUUID()}:`;
    return {
      storage: { redis, keyPrefix },
      close: async () => {
        redis.disconnect();
        const direct = new Redis(testServers().redisUrl ?? '');
        const keys = await direct.keys(`${keyPrefix}*`);
        if (keys.length > 0) await direct.del(...keys);
        await direct.quit();
      },
    };
  }
  const [pglite] = databaseTargets();
  if (!pglite) throw new Error('no PGlite target');
  const { database, cleanup } = await pglite.open({ service: 'cart', migrationsFolder: MIGRATIONS_FOLDER });
  return { storage: { database }, close: cleanup };
}

export function getCart(shop: TestCart, token: string): Promise<LightMyRequestResponse> {
  return shop.cart.app.inject({ method: 'GET', url: '/api/cart', headers: bearer(token) });
}

export function putItem(
  shop: TestCart,
  token: string,
  productId: number | string,
  payload: unknown,
): Promise<LightMyRequestResponse> {
  return shop.cart.app.inject({
    method: 'PUT',
    url: `/api/cart/items/${productId}`,
    headers: bearer(token),
    payload: payload as object,
  });
}

export function deleteItem(shop: TestCart, token: string, productId: number): Promise<LightMyRequestResponse> {
  return shop.cart.app.inject({ method: 'DELETE', url: `/api/cart/items/${productId}`, headers: bearer(token) });
}

/** Asserts a 200 cart and returns it. */
export function expectCart(response: LightMyRequestResponse): CartView {
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return response.json();
}

/** The cart as the user sees it now: it must answer 200. */
export async function cartOf(shop: TestCart, token: string): Promise<CartView> {
  return expectCart(await getCart(shop, token));
}

export { expectProblem } from '@shop/platform/testing';

/** An `order.placed` event as the order service publishes it (`overrides` may break it). */
export function orderPlaced(
  userId: number,
  items: Array<{ product_id: number; quantity: number }>,
  overrides: Record<string, unknown> = {},
) {
  const data: OrderPlaced = {
    order_id: 42,
    user_id: userId,
    email: `customer${userId}@example.com`,
    items: items.map((item) => ({
      ...item,
      name: `Product ${item.product_id}`,
      unit_price_cents: 100,
      line_total_cents: 100 * item.quantity,
    })),
    total_cents: items.reduce((sum, item) => sum + 100 * item.quantity, 0),
    currency: 'EUR',
    from_cart: true,
    reservation_id: randomUUID(),
  };
  return cloudEvent('/order', EVENT_TYPES.orderPlaced, { ...data, ...overrides });
}

/** Lets queued deliveries run, for tests asserting that nothing more happens. */
export function settle(ms = 150): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
