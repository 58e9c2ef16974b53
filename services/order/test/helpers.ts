/**
 * The order service on a real database, talking over real HTTP to a real product service
 * (its own database, listening on 127.0.0.1). Importing the product service here is test
 * wiring only: the order service's source never imports it.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createLogger, type Database, type HttpApp, ServiceClient } from '@shop/platform';
import { type DatabaseTarget, switchableServer } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { HttpOrderOutcomes } from '../../product/src/clients/order-outcomes.ts';
import type { OrderOutcomes } from '../../product/src/domain/ports.ts';
import {
  buildTestProduct,
  createCategory,
  createProduct,
  SCOPES,
  type TestProduct,
} from '../../product/test/helpers.ts';
import { buildOrderApp, MIGRATIONS_FOLDER, type OrderService } from '../src/app.ts';
import { NoCartGateway } from '../src/clients/cart-client.ts';
import { HttpProductGateway } from '../src/clients/product-client.ts';
import type { OrderView } from '../src/domain/order.ts';
import type { ProductGateway } from '../src/domain/ports.ts';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface TestShop {
  order: OrderService & { database: Database };
  product: TestProduct;
  /** An admin (user 1) with every admin scope, signed by the key both services trust. */
  admin: string;
  /** A customer token for a user id no other test uses. */
  newCustomer(): Promise<{ userId: number; token: string; email: string }>;
  /** A product on sale at the product service. */
  makeProduct(stock: number, priceCents?: number): Promise<{ id: number; name: string; price_cents: number }>;
  /** The stock as the product service reports it. */
  stockOf(productId: number): Promise<number>;
  /** Stops the product service listening (connections dropped); `startProduct` brings it back on the same port. */
  stopProduct(): Promise<void>;
  startProduct(): Promise<void>;
  /** The same for the order service, which the product service's sweeper asks over HTTP. */
  stopOrder(): Promise<void>;
  startOrder(): Promise<void>;
  /** Moves the product service's clock (its reservations' expiry) forward. */
  advanceProductClock(ms: number): void;
  /** One run of the product service's sweeper: it asks the order service about due reservations. */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

let nextUserId = 1000;

/**
 * Both services on fresh databases of `target`. One signing key (the product test
 * helper's) is trusted by both: it signs the customers' and admin's tokens for the order
 * service and the order service's own `inventory:reserve` token for the product service.
 */
export async function buildTestShop(
  target: DatabaseTarget,
  options: {
    upstreamTimeoutMs?: number;
    keyLeaseMs?: number;
    /** Stands between the saga and the real product client (to interleave or fail a step). */
    wrapProducts?: (products: ProductGateway) => ProductGateway;
  } = {},
): Promise<TestShop> {
  let productClockOffsetMs = 0;
  // The product service's sweeper asks the order service, which listens only once built below.
  let askOrderService: OrderOutcomes | undefined;
  const product = await buildTestProduct(target, {
    clock: { now: () => new Date(Date.now() + productClockOffsetMs) },
    orders: {
      outcomes: (reservations) => {
        if (!askOrderService) throw new Error('the order service is not built yet');
        return askOrderService.outcomes(reservations);
      },
    },
  });
  await product.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (product.app.server.address() as AddressInfo).port;
  const { database, cleanup } = await target.open({ service: 'order', migrationsFolder: MIGRATIONS_FOLDER });
  const http = new ServiceClient({
    service: 'product',
    baseUrl: `http://127.0.0.1:${port}`,
    timeoutMs: options.upstreamTimeoutMs ?? 2_000,
    token: async () => product.tokens.orderService,
  });
  const order = await buildOrderApp({
    config: { CURRENCY: 'EUR', PUBLIC_URL: 'http://shop.test', RECONCILE_INTERVAL: 3600 },
    database,
    logger: createLogger({ name: 'order-test', level: 'silent' }),
    verifier: product.tokens.verifier,
    products: options.wrapProducts ? options.wrapProducts(new HttpProductGateway(http)) : new HttpProductGateway(http),
    cart: new NoCartGateway(),
    timing: { keyLeaseMs: options.keyLeaseMs },
  });
  await order.app.listen({ host: '127.0.0.1', port: 0 });
  const orderHttp = new ServiceClient({
    service: 'order',
    baseUrl: `http://127.0.0.1:${(order.app.server.address() as AddressInfo).port}`,
    timeoutMs: 2_000,
    token: async () => product.tokens.productService,
  });
  askOrderService = new HttpOrderOutcomes(orderHttp);
  const category = await createCategory(product.app, product.tokens.admin, `Orders ${port}`);
  const productServer = switchableServer(product.app.server);
  const orderServer = switchableServer(order.app.server);

  return {
    order: { ...order, database },
    product,
    admin: product.tokens.admin,
    newCustomer: async () => {
      const userId = nextUserId++;
      const email = `customer${userId}@example.com`;
      const token = await product.tokens.sign({ sub: String(userId), scope: SCOPES.customer, role: 'customer', email });
      return { userId, token, email };
    },
    makeProduct: (stock, priceCents = 100) =>
      createProduct(product.app, product.tokens.admin, {
        name: `Thing ${Math.random().toString(36).slice(2, 10)}`,
        price_cents: priceCents,
        stock,
        category_id: category,
      }),
    stockOf: async (productId) => {
      const response = await product.app.inject({ method: 'GET', url: `/api/products/${productId}` });
      if (response.statusCode !== 200) throw new Error(`product ${productId}: ${response.statusCode}`);
      return response.json().stock;
    },
    stopProduct: () => productServer.stop(),
    startProduct: () => productServer.start(),
    stopOrder: () => orderServer.stop(),
    startOrder: () => orderServer.start(),
    advanceProductClock: (ms) => {
      productClockOffsetMs += ms;
    },
    sweep: () => product.sweeper.runOnce(),
    close: async () => {
      await orderServer.restore();
      await order.app.close();
      await http.close();
      await orderHttp.close();
      await cleanup();
      await productServer.restore();
      await product.close();
    },
  };
}

/** Places an order over HTTP with a fresh Idempotency-Key unless one is given. */
export function postOrder(
  app: HttpApp,
  token: string,
  payload: unknown,
  key: string | null = randomUUID(),
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/api/orders',
    headers: { ...bearer(token), ...(key === null ? {} : { 'idempotency-key': key }) },
    payload: payload as object,
  });
}

/** Places an order that must succeed and returns it. */
export async function placed(
  app: HttpApp,
  token: string,
  items: Array<{ product_id: number; quantity: number }>,
): Promise<OrderView> {
  const response = await postOrder(app, token, { items });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export { expectProblem } from '@shop/platform/testing';

/** Rows of a query on the order service's database. */
export async function rows<T>(database: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = await database.db.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}

/** How many orders the order service stores in all. */
export async function orderCount(database: Database): Promise<number> {
  const [row] = await rows<{ n: number }>(database, sql`select count(*)::int as n from "order".orders`);
  return Number(row?.n);
}

export interface OutboxRow {
  type: string;
  event: {
    specversion: string;
    id: string;
    source: string;
    type: string;
    time: string;
    datacontenttype: string;
    data: Record<string, unknown>;
  };
}

/** The order service's outbox rows about one order, oldest first. */
export function outboxFor(database: Database, orderId: number): Promise<OutboxRow[]> {
  return rows<OutboxRow>(
    database,
    sql`select type, event from "order".outbox where event->'data'->>'order_id' = ${String(orderId)} order by id`,
  );
}

/** How many outbox rows the order service holds in all. */
export async function outboxCount(database: Database): Promise<number> {
  const [row] = await rows<{ n: number }>(database, sql`select count(*)::int as n from "order".outbox`);
  return Number(row?.n);
}
