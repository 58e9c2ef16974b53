/**
 * The checkout journey over HTTP against the whole shop, run twice: embedded (PGlite,
 * in-process bus) and server mode (PostgreSQL, RabbitMQ, Redis).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPostgresDatabase, testServers } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMQP_URL, isolatedVhost } from './broker.ts';
import { eventually, type RunningStack, startStack } from './stack.ts';

const servers = testServers();

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below.
type Body = Record<string, any>;

interface Mode {
  name: string;
  env: () => Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }>;
}

const modes: Mode[] = [
  {
    name: 'embedded',
    env: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'shop-e2e-'));
      return { env: { DATA_DIR: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
];
if (servers.postgresUrl && servers.redisUrl) {
  modes.push({
    name: 'server (PostgreSQL, RabbitMQ, Redis)',
    env: async () => {
      const database = await freshPostgresDatabase();
      // A vhost of its own: another stack on the same broker must not take this one's messages.
      const vhost = await isolatedVhost(AMQP_URL);
      return {
        env: {
          DATABASE_URL: database.url,
          AMQP_URL: vhost.url,
          REDIS_URL: servers.redisUrl ?? '',
          ADMIN_PASSWORD: 'admin-password-e2e',
          DEMO_CATALOG: 'false',
        },
        cleanup: async () => {
          await database.drop();
          await vhost.remove();
        },
      };
    },
  });
}

describe.each(modes)('checkout journey, $name', (mode) => {
  let stack: RunningStack;
  let cleanup: () => Promise<void>;
  let adminToken: string;
  let productId: number;
  const adminPassword = mode.name === 'embedded' ? 'admin12345' : 'admin-password-e2e';

  const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as Body });
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const login = async (email: string, password: string) => {
    const response = await fetch(`${stack.urls.account}/api/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username: email, password }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const emailsTo = async (to: string) => {
    const { body } = await json(
      await fetch(`${stack.urls.notification}/api/admin/emails?limit=100`, {
        headers: { authorization: `Bearer ${adminToken}` },
      }),
    );
    return (body.items as Array<{ to: string; subject: string; status: string }>).filter((email) => email.to === to);
  };
  const stockOf = async (id: number) =>
    (await json(await fetch(`${stack.urls.product}/api/products/${id}`))).body.stock;

  beforeAll(async () => {
    const prepared = await mode.env();
    cleanup = prepared.cleanup;
    stack = await startStack(prepared.env);
    adminToken = await login('admin@example.com', adminPassword);
    const auth = { authorization: `Bearer ${adminToken}` };
    const category = await json(
      await post(`${stack.urls.product}/api/categories`, { name: `E2E ${Date.now()}` }, auth),
    );
    expect(category.status).toBe(201);
    const product = await json(
      await post(
        `${stack.urls.product}/api/products`,
        {
          name: 'E2E Sourdough',
          description: 'A loaf for the journey',
          price_cents: 450,
          stock: 10,
          category_id: category.body.id,
        },
        auth,
      ),
    );
    expect(product.status).toBe(201);
    productId = product.body.id;
  }, 120_000);

  afterAll(async () => {
    expect(await stack?.stop()).toBe(0);
    await cleanup?.();
  });

  it('when a customer registers, orders and cancels, then e-mails follow and the stock returns', async () => {
    const email = `e2e-${Date.now()}@example.com`;
    expect(
      (await post(`${stack.urls.account}/api/auth/register`, { email, name: 'Grace', password: 'e2e-password' }))
        .status,
    ).toBe(201);
    const token = await login(email, 'e2e-password');
    await eventually(async () =>
      (await emailsTo(email)).some((m) => m.subject.includes('Welcome') && m.status === 'sent') ? true : undefined,
    );

    const order = await json(
      await post(
        `${stack.urls.order}/api/orders`,
        { items: [{ product_id: productId, quantity: 3 }] },
        {
          authorization: `Bearer ${token}`,
          'idempotency-key': 'journey-1',
        },
      ),
    );
    expect(order.status).toBe(201);
    expect(order.body.total_cents).toBe(1350);
    expect(await stockOf(productId)).toBe(7);
    await eventually(async () =>
      (await emailsTo(email)).some(
        (m) => m.subject === `Your order #${order.body.id} is confirmed` && m.status === 'sent',
      )
        ? true
        : undefined,
    );

    const cancelled = await json(
      await fetch(`${stack.urls.order}/api/orders/${order.body.id}/cancel`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await stockOf(productId)).toBe(10);
    await eventually(async () =>
      (await emailsTo(email)).some((m) => m.subject.includes('cancelled') && m.status === 'sent') ? true : undefined,
    );
    // Exactly one of each: no duplicate deliveries turned into duplicate e-mails.
    const subjects = (await emailsTo(email)).map((m) => m.subject).sort();
    expect(subjects).toHaveLength(3);
  }, 60_000);

  it("when another customer asks for the first one's order, then it is not found", async () => {
    const email = `other-${Date.now()}@example.com`;
    await post(`${stack.urls.account}/api/auth/register`, { email, name: 'Other', password: 'e2e-password' });
    const token = await login(email, 'e2e-password');
    const list = await json(
      await fetch(`${stack.urls.order}/api/orders`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(list.body.items).toEqual([]);
    const someone = await json(
      await fetch(`${stack.urls.order}/api/orders/1`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(someone.status).toBe(404);
  });
});
