/**
 * The checkout saga across real processes in server mode (PostgreSQL, RabbitMQ, Redis):
 * account, product, cart and order each started alone (`npm run start:service`), so one
 * can be taken away and brought back on its port while the others run. The order
 * service reaches the product service through an HTTP proxy in this file that can hold
 * back reservation answers. Reservations last 2 seconds and are swept
 * every second; the order service gives up on a call after 1 second.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import httpProxy from '@fastify/http-proxy';
import { freshPostgresDatabase, testServers } from '@shop/platform/testing';
import amqplib from 'amqplib';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMQP_URL, isolatedVhost, missingServers } from './broker.ts';
import { type Body, bearer, json, post } from './http.ts';
import { eventually, freePort, type RunningService, type ServiceName, startService } from './stack.ts';

const servers = testServers();
const missing = await missingServers('Saga tests (server mode)', servers);

interface Customer {
  userId: number;
  token: string;
}

const ADMIN_PASSWORD = 'admin-password-saga';
const ORDER_CLIENT_SECRET = randomBytes(24).toString('base64url');
const PRODUCT_CLIENT_SECRET = randomBytes(24).toString('base64url');
const RUN = randomBytes(3).toString('hex');
const RESERVATION_TTL_MS = 2_000;
const UPSTREAM_TIMEOUT_MS = 1_000;
const SERVICES_HERE = ['account', 'product', 'cart', 'order'] as const satisfies readonly ServiceName[];
type Here = (typeof SERVICES_HERE)[number];

/** What the proxy between the order service and the product service does to the calls. */
interface ProductFaults {
  /** A reservation is made at the product service, but its answer is held back this long. */
  holdReserveAnswerMs: number;
}

async function faultyProxy(upstream: string, faults: ProductFaults): Promise<{ url: string; app: FastifyInstance }> {
  const app = Fastify({ logger: false });
  await app.register(httpProxy, {
    upstream,
    replyOptions: {
      onResponse: async (request, reply, response) => {
        const holdMs = faults.holdReserveAnswerMs;
        if (holdMs > 0 && request.method === 'POST' && request.url === '/internal/reservations') await sleep(holdMs);
        await reply.send(response.stream);
      },
    },
  });
  const port = await freePort();
  await app.listen({ host: '127.0.0.1', port });
  return { url: `http://127.0.0.1:${port}`, app };
}

describe.runIf(missing.length === 0)('the checkout saga across processes, server mode', () => {
  const faults: ProductFaults = { holdReserveAnswerMs: 0 };
  const running = new Map<Here, RunningService>();
  const ports = {} as Record<Here, number>;
  const urls = {} as Record<Here, string>;
  let env: Record<string, string>;
  let proxy: { url: string; app: FastifyInstance };
  let database: { url: string; drop: () => Promise<void> };
  let vhost: { url: string; remove: () => Promise<void> };
  let adminToken: string;
  let serviceToken: string;
  let categoryId: number;

  const start = async (name: Here) => {
    running.set(name, await startService(name, env, ports[name]));
  };
  /** Stops a service (it must exit 0), runs `whileDown`, and starts it again on its port. */
  const withDown = async (name: Here, whileDown: () => Promise<void>) => {
    const child = running.get(name);
    if (!child) throw new Error(`${name} is not running`);
    running.delete(name);
    expect(await child.stop(), child.output()).toBe(0);
    try {
      await whileDown();
    } finally {
      await start(name);
    }
  };
  const query = async (sql: string, params: unknown[] = []): Promise<Body[]> => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  const token = async (form: Record<string, string>, headers: Record<string, string> = {}) => {
    const response = await json(
      await fetch(`${urls.account}/api/auth/token`, { method: 'POST', headers, body: new URLSearchParams(form) }),
    );
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.access_token as string;
  };
  const customer = async (name: string): Promise<Customer> => {
    const email = `${name}-${RUN}@example.com`;
    const registered = await json(
      await post(`${urls.account}/api/auth/register`, { email, name, password: 'saga-password' }),
    );
    expect(registered.status).toBe(201);
    return {
      userId: registered.body.id,
      token: await token({ grant_type: 'password', username: email, password: 'saga-password' }),
    };
  };
  const newProduct = async (name: string, stock: number): Promise<number> => {
    const product = await json(
      await post(
        `${urls.product}/api/products`,
        { name: `${name} ${RUN}`, description: 'for the saga tests', price_cents: 400, stock, category_id: categoryId },
        bearer(adminToken),
      ),
    );
    expect(product.status).toBe(201);
    return product.body.id;
  };
  const stockOf = async (id: number): Promise<number> =>
    (await json(await fetch(`${urls.product}/api/products/${id}`))).body.stock;
  const placeOrder = async (who: Customer, key: string, body: unknown) =>
    json(await post(`${urls.order}/api/orders`, body, { ...bearer(who.token), 'idempotency-key': key }));
  const reservationsOf = async (productId: number) =>
    query(
      `select r.id, r.order_ref, r.status from product.reservations r
       join product.reservation_lines l on l.reservation_id = r.id where l.product_id = $1 order by r.created_at`,
      [productId],
    );
  const ordersOf = (userId: number) =>
    query('select id, status, reservation_id, reservation_action from "order".orders where user_id = $1', [userId]);

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    vhost = await isolatedVhost(AMQP_URL);
    for (const name of SERVICES_HERE) {
      ports[name] = await freePort();
      urls[name] = `http://127.0.0.1:${ports[name]}`;
    }
    proxy = await faultyProxy(urls.product, faults);
    env = {
      DATABASE_URL: database.url,
      AMQP_URL: vhost.url,
      REDIS_URL: servers.redisUrl ?? '',
      // Login and sign-up limits of this run's own: other runs on this Redis count apart.
      ACCOUNT_LIMITS_REDIS_PREFIX: `e2e-${randomBytes(4).toString('hex')}:`,
      CART_REDIS_PREFIX: `saga-${RUN}:`,
      // Registrations per IP are counted in the shared Redis for an hour: runs on one machine add up.
      REGISTRATION_MAX_PER_IP: '100000',
      ADMIN_PASSWORD,
      PUBLIC_URL: `http://shop-${RUN}.test`,
      ACCOUNT_URL: urls.account,
      PRODUCT_URL: urls.product,
      // The order service alone reaches the product service through the proxy.
      ORDER_PRODUCT_URL: proxy.url,
      CART_URL: urls.cart,
      ORDER_URL: urls.order,
      ORDER_CLIENT_SECRET,
      PRODUCT_CLIENT_SECRET,
      OAUTH_CLIENTS: `order:${ORDER_CLIENT_SECRET}:inventory:reserve,product:${PRODUCT_CLIENT_SECRET}:order:reconcile`,
      PRODUCT_RESERVATION_TTL: String(RESERVATION_TTL_MS / 1000),
      PRODUCT_RESERVATION_SWEEP_INTERVAL: '1',
      ORDER_RECONCILE_INTERVAL: '1',
      ORDER_UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
      DEMO_CATALOG: 'false',
    };
    // The account service first: it creates the signing keys the others' JWKS checks read.
    await start('account');
    await Promise.all(SERVICES_HERE.filter((name) => name !== 'account').map(start));
    adminToken = await token({ grant_type: 'password', username: 'admin@example.com', password: ADMIN_PASSWORD });
    serviceToken = await token(
      { grant_type: 'client_credentials', scope: 'inventory:reserve' },
      { authorization: `Basic ${Buffer.from(`order:${ORDER_CLIENT_SECRET}`).toString('base64')}` },
    );
    const category = await json(
      await post(`${urls.product}/api/categories`, { name: `Saga ${RUN}` }, bearer(adminToken)),
    );
    expect(category.status).toBe(201);
    categoryId = category.body.id;
  }, 180_000);

  afterAll(async () => {
    const exits = await Promise.all(
      [...running].map(async ([name, child]) => ({ name, code: await child.stop(), output: child.output() })),
    );
    await proxy?.app.close();
    await vhost?.remove().catch((error: Error) => console.warn(`vhost not removed: ${error.message}`));
    await database?.drop();
    for (const exit of exits) expect(exit.code, `${exit.name}: ${exit.output}`).toBe(0);
  }, 60_000);

  it('when the product service goes away once an order is placed and stays away past the reservation’s time, then once it is back the reservation is committed (by the order.placed waiting in its queue, or its sweeper asking), the order stays confirmed and its stock is never returned', async () => {
    const productId = await newProduct('Late Commit Lentils', 10);
    const who = await customer('late-commit');
    const placed = await placeOrder(who, 'late-commit-1', { items: [{ product_id: productId, quantity: 3 }] });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body.status).toBe('confirmed');
    const [order] = await ordersOf(who.userId);
    // Nothing is owed by the order service: the event commits the reservation.
    expect(order).toMatchObject({ reservation_action: null });
    expect(await stockOf(productId)).toBe(7);

    await withDown('product', () => sleep(RESERVATION_TTL_MS + 1_500));

    // Back: watched over several sweeps, the stock never comes back.
    const seen = new Set<number>();
    const until = Date.now() + 4_000;
    while (Date.now() < until) {
      seen.add(await stockOf(productId));
      await sleep(200);
    }
    expect([...seen]).toEqual([7]);
    expect(await reservationsOf(productId)).toEqual([
      expect.objectContaining({ id: order?.reservation_id, status: 'committed' }),
    ]);
    const read = await json(await fetch(`${urls.order}/api/orders?limit=5`, { headers: bearer(who.token) }));
    expect(read.body.items.map((item: Body) => item.status)).toEqual(['confirmed']);
  }, 90_000);

  it('when order.placed reaches the product service only after the reservation’s time is up (held back at the broker), then its sweeper asks the order service and commits: the stock is never returned, and the late event changes nothing', async () => {
    const productId = await newProduct('Held Back Barley', 10);
    const who = await customer('held-back');
    // The product service's queue stops getting order.placed; a queue of this test's takes
    // it instead and holds it, as a broker or a consumer far behind would.
    const connection = await amqplib.connect(vhost.url);
    const channel = await connection.createChannel();
    const held = `held-back-${RUN}`;
    await channel.assertQueue(held, { durable: false, autoDelete: false });
    await channel.bindQueue(held, 'ecom.events', 'order.placed');
    await channel.unbindQueue('product', 'ecom.events', 'order.placed');
    try {
      const placed = await placeOrder(who, 'held-back-1', { items: [{ product_id: productId, quantity: 4 }] });
      expect(placed.status, JSON.stringify(placed.body)).toBe(201);
      const [order] = await ordersOf(who.userId);
      const event = await eventually(async () => (await channel.get(held, { noAck: false })) || undefined);
      expect(JSON.parse(event.content.toString()).data).toMatchObject({ order_id: placed.body.id });
      expect(await reservationsOf(productId)).toEqual([
        expect.objectContaining({ id: order?.reservation_id, status: 'held' }),
      ]);
      expect(await stockOf(productId)).toBe(6);

      // Past its time, without the event: the sweeper asks, hears "ordered", and commits.
      const seen = new Set<number>();
      await eventually(async () => {
        seen.add(await stockOf(productId));
        const [reservation] = await reservationsOf(productId);
        return reservation?.status === 'committed' ? true : undefined;
      }, RESERVATION_TTL_MS + 15_000);
      seen.add(await stockOf(productId));
      expect([...seen]).toEqual([6]);

      // The event, late: committing again is a no-op.
      channel.sendToQueue('product', event.content, event.properties);
      channel.ack(event);
      await sleep(1_000);
      expect(await stockOf(productId)).toBe(6);
      expect(await reservationsOf(productId)).toEqual([
        expect.objectContaining({ id: order?.reservation_id, status: 'committed' }),
      ]);
      const read = await json(await fetch(`${urls.order}/api/orders?limit=5`, { headers: bearer(who.token) }));
      expect(read.body.items.map((item: Body) => item.status)).toEqual(['confirmed']);
    } finally {
      await channel.bindQueue('product', 'ecom.events', 'order.placed');
      await channel.deleteQueue(held);
      await connection.close();
    }
  }, 90_000);

  it('when an attempt died after reserving (no order), then its reservation stays held while the order service is down, and is released once the order service answers, the attempt fenced', async () => {
    const productId = await newProduct('Orphaned Oats', 10);
    const attempt = randomUUID();
    let reservationId = '';
    await withDown('order', async () => {
      // What the attempt left behind: its idempotency key, and a reservation under its id.
      await query(
        `insert into "order".idempotency_keys (user_id, key, request_hash, attempt_id, locked_until)
         values ($1, $2, 'hash', $3, now() + interval '30 seconds')`,
        [900_000, `orphan-${RUN}`, attempt],
      );
      const reserved = await json(
        await post(
          `${urls.product}/internal/reservations`,
          { order_ref: attempt, items: [{ product_id: productId, quantity: 4 }] },
          bearer(serviceToken),
        ),
      );
      expect(reserved.status).toBe(201);
      reservationId = reserved.body.reservation_id;
      expect(await stockOf(productId)).toBe(6);
      // Past its time and several sweeps: nobody can say it has no order, so it stays.
      await sleep(RESERVATION_TTL_MS + 3_000);
      expect(await reservationsOf(productId)).toEqual([{ id: reservationId, order_ref: attempt, status: 'held' }]);
      expect(await stockOf(productId)).toBe(6);
    });

    await eventually(async () => ((await stockOf(productId)) === 10 ? true : undefined), 20_000);
    expect(await reservationsOf(productId)).toEqual([{ id: reservationId, order_ref: attempt, status: 'expired' }]);
    // "No order" was final: the attempt no longer holds its key, so it can never insert one.
    expect(await query('select * from "order".idempotency_keys where attempt_id = $1', [attempt])).toEqual([]);
  }, 120_000);

  it('when the reservation succeeds at the product service but its answer comes too late, then the customer gets a clear 503, the same key then orders once, and the abandoned reservation’s stock comes back', async () => {
    const productId = await newProduct('Slow Semolina', 10);
    const who = await customer('slow-reserve');
    const body = { items: [{ product_id: productId, quantity: 2 }] };
    faults.holdReserveAnswerMs = UPSTREAM_TIMEOUT_MS + 1_500;
    let first: Awaited<ReturnType<typeof placeOrder>>;
    try {
      const started = Date.now();
      first = await placeOrder(who, 'slow-1', body);
      expect(Date.now() - started).toBeLessThan(UPSTREAM_TIMEOUT_MS + 1_000);
    } finally {
      faults.holdReserveAnswerMs = 0;
    }
    expect([503, 504], JSON.stringify(first.body)).toContain(first.status);
    expect(first.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(first.body.detail).toMatch(/product service/);
    expect(await ordersOf(who.userId)).toEqual([]);
    // The product service did reserve, for an attempt that gave up (soon due, if not yet).
    const [abandoned] = await reservationsOf(productId);
    expect(['held', 'expired']).toContain(abandoned?.status);

    const retry = await placeOrder(who, 'slow-1', body);
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    const again = await placeOrder(who, 'slow-1', body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(retry.body.id);
    expect(await ordersOf(who.userId)).toHaveLength(1);

    // The abandoned one comes due; the order service says no order holds it: released.
    await eventually(async () => {
      const statuses = (await reservationsOf(productId)).map((row) => `${row.id === abandoned?.id}:${row.status}`);
      return statuses.includes('true:expired') ? statuses : undefined;
    }, 20_000);
    expect((await reservationsOf(productId)).map((row) => row.status).sort()).toEqual(['committed', 'expired']);
    expect(await stockOf(productId)).toBe(8);
  }, 90_000);

  it('when the cart service is down during a from_cart order, then 503 problem+json naming it, no order, no stock taken and the key free; once it is back the same key orders exactly once', async () => {
    const productId = await newProduct('Cartless Couscous', 10);
    const who = await customer('cart-down');
    const put = await fetch(`${urls.cart}/api/cart/items/${productId}`, {
      method: 'PUT',
      headers: { ...bearer(who.token), 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: 3 }),
    });
    expect(put.status).toBe(200);

    await withDown('cart', async () => {
      const refused = await placeOrder(who, 'from-cart-1', { from_cart: true });
      expect(refused.status, JSON.stringify(refused.body)).toBe(503);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ status: 503 });
      expect(refused.body.detail).toMatch(/cart service/);
      expect(await ordersOf(who.userId)).toEqual([]);
      expect(await stockOf(productId)).toBe(10);
      expect(await reservationsOf(productId)).toEqual([]);
      expect(
        await query('select * from "order".idempotency_keys where user_id = $1 and key = $2', [
          who.userId,
          'from-cart-1',
        ]),
      ).toEqual([]);
    });

    const placed = await placeOrder(who, 'from-cart-1', { from_cart: true });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body.items).toMatchObject([{ product_id: productId, quantity: 3 }]);
    const replay = await placeOrder(who, 'from-cart-1', { from_cart: true });
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(placed.body.id);
    expect(await ordersOf(who.userId)).toHaveLength(1);
    expect(await stockOf(productId)).toBe(7);
  }, 90_000);
});
