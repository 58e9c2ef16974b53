/**
 * Faults in server mode (PostgreSQL, RabbitMQ, Redis), over HTTP against the whole shop
 * in one child process: the broker's connection cut while orders are placed, the product
 * service down, and a crash between reserving stock and inserting the order.
 *
 * The stack reaches RabbitMQ through a TCP proxy that can cut the connection, on a vhost
 * of this file's own (see broker.ts), and runs with 2-second stock reservations.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshPostgresDatabase, testServers } from '@shop/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../packages/platform/test/messaging/tcp-proxy.ts';
import { AMQP_URL, isolatedVhost, missingServers } from './broker.ts';
import { type Body, bearer, json, post } from './http.ts';
import { eventually, freePort, type RunningStack, startService, startStack } from './stack.ts';

const servers = testServers();
const missing = await missingServers('Fault tests (server mode)', servers);

interface Customer {
  email: string;
  userId: number;
  token: string;
}
interface EmailSummary {
  id: number;
  to: string;
  subject: string;
  status: string;
}

const ADMIN_PASSWORD = 'admin-password-faults';
const ORDER_CLIENT_SECRET = randomBytes(24).toString('base64url');
const PRODUCT_CLIENT_SECRET = randomBytes(24).toString('base64url');
const RUN = randomBytes(3).toString('hex');
/** How long the broker stays unreachable in the first case: past the bus's 10 s publish timeout. */
const CUT_MS = 12_000;

describe.runIf(missing.length === 0)('faults, server mode (PostgreSQL, RabbitMQ, Redis)', () => {
  let stack: RunningStack;
  let proxy: TcpProxy;
  let database: { url: string; drop: () => Promise<void> };
  let vhost: { url: string; remove: () => Promise<void> };
  let adminToken: string;
  let categoryId: number;

  const login = async (email: string, password: string) => {
    const response = await json(
      await fetch(`${stack.urls.account}/api/auth/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'password', username: email, password }),
      }),
    );
    expect(response.status).toBe(200);
    return response.body.access_token as string;
  };
  const customer = async (name: string): Promise<Customer> => {
    const email = `${name}-${RUN}@example.com`;
    const registered = await json(
      await post(`${stack.urls.account}/api/auth/register`, { email, name, password: 'faults-password' }),
    );
    expect(registered.status).toBe(201);
    return { email, userId: registered.body.id, token: await login(email, 'faults-password') };
  };
  const newProduct = async (name: string, stock: number): Promise<number> => {
    const product = await json(
      await post(
        `${stack.urls.product}/api/products`,
        { name, description: `${name} for the fault tests`, price_cents: 250, stock, category_id: categoryId },
        bearer(adminToken),
      ),
    );
    expect(product.status).toBe(201);
    return product.body.id;
  };
  const stockOf = async (id: number): Promise<number> =>
    (await json(await fetch(`${stack.urls.product}/api/products/${id}`))).body.stock;
  const placeOrder = async (
    who: Customer,
    key: string,
    items: Array<{ product_id: number; quantity: number }>,
    orderUrl = stack.urls.order,
  ) => json(await post(`${orderUrl}/api/orders`, { items }, { ...bearer(who.token), 'idempotency-key': key }));
  /** Every e-mail the notification service holds, newest first, all pages. */
  const allEmails = async (): Promise<EmailSummary[]> => {
    const emails: EmailSummary[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await json(
        await fetch(`${stack.urls.notification}/api/admin/emails?limit=100${query}`, { headers: bearer(adminToken) }),
      );
      expect(page.status).toBe(200);
      emails.push(...(page.body.items as EmailSummary[]));
      cursor = page.body.next_cursor;
    } while (cursor);
    return emails;
  };
  const query = async (sql: string, params: unknown[]): Promise<Body[]> => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    vhost = await isolatedVhost(AMQP_URL);
    const target = new URL(vhost.url);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 5672));
    stack = await startStack({
      DATABASE_URL: database.url,
      AMQP_URL: proxy.url(vhost.url),
      REDIS_URL: servers.redisUrl ?? '',
      // Login and sign-up limits of this run's own: other runs on this Redis count apart.
      ACCOUNT_LIMITS_REDIS_PREFIX: `e2e-${randomBytes(4).toString('hex')}:`,
      // Registrations per IP are counted in the shared Redis for an hour: runs on one machine add up.
      REGISTRATION_MAX_PER_IP: '100000',
      ADMIN_PASSWORD,
      DEMO_CATALOG: 'false',
      SMTP_URL: '',
      ORDER_CLIENT_SECRET,
      PRODUCT_CLIENT_SECRET,
      OAUTH_CLIENTS: `order:${ORDER_CLIENT_SECRET}:inventory:reserve,product:${PRODUCT_CLIENT_SECRET}:order:reconcile`,
      PRODUCT_RESERVATION_TTL: '2',
      PRODUCT_RESERVATION_SWEEP_INTERVAL: '1',
    });
    adminToken = await login('admin@example.com', ADMIN_PASSWORD);
    const category = await json(
      await post(`${stack.urls.product}/api/categories`, { name: `Faults ${RUN}` }, bearer(adminToken)),
    );
    expect(category.status).toBe(201);
    categoryId = category.body.id;
  }, 120_000);

  afterAll(async () => {
    let exitCode: number | null | undefined;
    try {
      proxy?.restore();
      exitCode = await stack?.stop();
    } finally {
      await proxy?.close();
      await vhost?.remove().catch((error: Error) => console.warn(`vhost not removed: ${error.message}`));
      await database?.drop();
    }
    if (stack) expect(exitCode, stack.output()).toBe(0);
  }, 60_000);

  it('when the shop starts with ADMIN_PASSWORD set, then it names the admin but never prints the password', async () => {
    const output = stack.output();
    expect(output).toContain('Admin      admin@example.com (created now with the password in ADMIN_PASSWORD)');
    expect(output).not.toContain(ADMIN_PASSWORD);
  });

  it('when the RabbitMQ connection is cut while orders are placed, then every order succeeds and each gets exactly one confirmation e-mail once it is back', async () => {
    const productId = await newProduct('Cut Connection Coffee', 1_000);
    const customers = await Promise.all(['ada', 'brian', 'chen'].map((name) => customer(`bus-${name}`)));
    const placed: Array<{ status: number; id: number; to: string; duringCut: boolean }> = [];
    let cutNow = false;
    const place = async (n: number) => {
      const who = customers[n % customers.length] as Customer;
      const response = await placeOrder(who, `bus-${n}`, [{ product_id: productId, quantity: 1 + (n % 3) }]);
      placed.push({ status: response.status, id: response.body.id, to: who.email, duringCut: cutNow });
    };

    for (let n = 0; n < 6; n += 1) await place(n);
    proxy.cut();
    cutNow = true;
    const cutAt = Date.now();
    // The stack noticed: its bus lost the connection and keeps trying to reconnect.
    await eventually(async () => (stack.output().includes('RabbitMQ connection lost') ? true : undefined));
    // Orders keep coming (8 at least) while the broker stays unreachable, for longer than the
    // bus waits for a confirm (10 s): publishes wait, then fail, and the rows wait in the outbox.
    let n = 6;
    while (n < 14 || Date.now() - cutAt < CUT_MS) {
      await place(n);
      n += 1;
      await sleep(1_000);
    }
    const confirmationsDuringCut = (await allEmails()).filter((email) => email.subject.includes('is confirmed'));
    const placedDuringCut = placed.filter((order) => order.duringCut).map((order) => order.id);
    cutNow = false;
    proxy.restore();
    for (const last = n + 4; n < last; n += 1) await place(n);

    expect(placed.map((order) => order.status)).toEqual(placed.map(() => 201));
    // While cut, no order.placed of the orders placed then could reach the notification service.
    const seenDuringCut = confirmationsDuringCut.filter((email) =>
      placedDuringCut.some((id) => email.subject === `Your order #${id} is confirmed`),
    );
    expect(seenDuringCut).toEqual([]);

    const expected = placed.map((order) => ({ to: order.to, subject: `Your order #${order.id} is confirmed` }));
    const confirmations = async () =>
      (await allEmails())
        .filter((email) => email.subject.includes('is confirmed'))
        .map((email) => ({ to: email.to, subject: email.subject, status: email.status }));
    const bySubject = (a: { subject: string }, b: { subject: string }) => a.subject.localeCompare(b.subject);
    const delivered = await eventually(async () => {
      const sent = (await confirmations()).filter((email) => email.status === 'sent');
      return sent.length >= expected.length ? sent : undefined;
    }, 30_000).catch(async () => confirmations());
    // Exactly one confirmation per order, sent, and none for anything else.
    expect(delivered.sort(bySubject)).toEqual(expected.map((e) => ({ ...e, status: 'sent' })).sort(bySubject));
    // Nothing more arrives late (a duplicate delivery would add a second e-mail).
    await sleep(1_000);
    expect((await confirmations()).sort(bySubject)).toEqual(delivered);
    expect(await stockOf(productId)).toBe(1_000 - placed.reduce((sum, _, i) => sum + 1 + (i % 3), 0));
  }, 90_000);

  it('when the product service is down, then an order fails fast with 503 problem+json, makes no order row and takes no stock', async () => {
    const productId = await newProduct('Unreachable Umbrella', 50);
    const who = await customer('down');
    const closedPort = await freePort();
    const { issuer } = (await json(await fetch(`${stack.urls.account}/.well-known/oauth-authorization-server`))).body;
    // The stack runs every service in one process; a second order service alone stands in
    // for one whose product service is down.
    const alone = await startService('order', {
      DATABASE_URL: database.url,
      AMQP_URL: '',
      ACCOUNT_URL: stack.urls.account,
      PUBLIC_URL: issuer,
      PRODUCT_URL: `http://127.0.0.1:${closedPort}`,
      ORDER_CLIENT_SECRET,
      RECONCILE_INTERVAL: '3600',
    });
    let exitCode: number | null;
    try {
      // Its tokens are the stack's: the second order service accepts the customer.
      expect((await fetch(`${alone.url}/api/orders`, { headers: bearer(who.token) })).status).toBe(200);

      const started = Date.now();
      const response = await placeOrder(who, 'down-1', [{ product_id: productId, quantity: 2 }], alone.url);
      const elapsedMs = Date.now() - started;

      expect(response.status, JSON.stringify(response.body)).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 503 });
      expect(elapsedMs).toBeLessThan(3_000);
      expect(await query('select id from "order".orders where user_id = $1', [who.userId])).toEqual([]);
      expect(
        await query('select order_id from "order".idempotency_keys where user_id = $1 and key = $2', [
          who.userId,
          'down-1',
        ]),
      ).not.toContainEqual(expect.objectContaining({ order_id: expect.any(Number) }));
      expect(await stockOf(productId)).toBe(50);
    } finally {
      exitCode = await alone.stop();
    }
    expect(exitCode, alone.output()).toBe(0);
  }, 60_000);

  it('when the order service dies between reserving and inserting, then the reservation expires and the stock comes back by itself', async () => {
    const productId = await newProduct('Forgotten Fig Jam', 10);
    // The order service's own token, as the saga gets it for step 3.
    const token = await json(
      await fetch(`${stack.urls.account}/api/auth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`order:${ORDER_CLIENT_SECRET}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'inventory:reserve' }),
      }),
    );
    expect(token.status).toBe(200);
    const service = bearer(token.body.access_token);

    // Step 3 of the saga, then the crash: no insert, no commit, no release.
    const reserved = await json(
      await post(
        `${stack.urls.product}/internal/reservations`,
        { order_ref: randomUUID(), items: [{ product_id: productId, quantity: 4 }] },
        service,
      ),
    );
    expect(reserved.status).toBe(201);
    expect(reserved.body.status).toBe('held');
    expect(await stockOf(productId)).toBe(6);

    const backAt = await eventually(
      async () => ((await stockOf(productId)) === 10 ? Date.now() : undefined),
      20_000,
    ).catch(() => null);
    expect(backAt, 'the stock came back by itself').not.toBeNull();
    // Not before its time: the sweeper expired it, nothing released it early.
    expect(backAt).toBeGreaterThanOrEqual(Date.parse(reserved.body.expires_at));
    const reservation = await json(
      await fetch(`${stack.urls.product}/internal/reservations/${reserved.body.reservation_id}`, { headers: service }),
    );
    expect(reservation.status).toBe(200);
    expect(reservation.body.status).toBe('expired');
  }, 60_000);
});
