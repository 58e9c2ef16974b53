/**
 * The shop in server mode with each service on a host of its own (a Linux network
 * namespace per service, see shop-on-hosts.ts), driven from this machine through the
 * gateway's address only. A service can reach another only at the address its
 * configuration names, so a hidden `localhost` anywhere fails here. Before anything is
 * sent to a service's address, the route to it is checked to leave through a veth.
 *
 * Needs root and iproute2: without them the file is skipped, or fails under CI=true.
 */
import { randomBytes } from 'node:crypto';
import { testServers } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingServers } from './broker.ts';
import { type Answer, type Body, call as httpCall } from './http.ts';
import { netnsAvailable } from './netns.ts';
import { NETWORK_PREFIX, type ShopOnHosts, startShopOnHosts } from './shop-on-hosts.ts';
import { eventually } from './stack.ts';

const netns = await netnsAvailable(NETWORK_PREFIX);
if (!netns.ok) {
  if (process.env.CI === 'true') throw new Error(`CI=true but network namespaces cannot be made: ${netns.reason}`);
  console.warn(`Several-hosts test skipped (needs root and iproute2): ${netns.reason}`);
}
const missing = netns.ok ? await missingServers('Several-hosts test', testServers()) : [];

/** The gateway's deadline for a service, small so that a cut link is answered quickly. */
const UPSTREAM_TIMEOUT_MS = 2_000;

describe.runIf(netns.ok && missing.length === 0)('the shop with every service on a host of its own', () => {
  const run = randomBytes(3).toString('hex');
  let shop: ShopOnHosts;
  let adminToken: string;
  let productId: number;
  let customer: { email: string; token: string };
  let firstOrderId: number;

  const call = (method: string, path: string, options: Parameters<typeof httpCall>[3] = {}) =>
    httpCall(shop.gateway, method, path, options);
  const login = async (email: string, password: string) => {
    const response = await fetch(`${shop.gateway}/api/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username: email, password }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const stockOf = async (id: number) => {
    const product = await call('GET', `/api/products/${id}`);
    expect(product.status, JSON.stringify(product.body)).toBe(200);
    return product.body.stock as number;
  };
  const emailsTo = async (to: string) => {
    const { body } = await call('GET', '/api/admin/emails?limit=100', { token: adminToken });
    return (body.items as Array<{ to: string; subject: string; status: string }>).filter((email) => email.to === to);
  };
  const confirmationArrives = (to: string, orderId: number) =>
    eventually(async () =>
      (await emailsTo(to)).some(
        (email) => email.subject.includes(`#${orderId} is confirmed`) && email.status === 'sent',
      )
        ? true
        : undefined,
    );
  const expectProblem = (answer: Answer, statuses: number[]) => {
    expect(statuses, JSON.stringify(answer.body)).toContain(answer.status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status: answer.status, title: expect.any(String) });
  };

  beforeAll(async () => {
    shop = await startShopOnHosts({ upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS });
    adminToken = await login(shop.adminEmail, shop.adminPassword);
    const category = await call('POST', '/api/categories', { token: adminToken, body: { name: `Hosts ${run}` } });
    expect(category.status, JSON.stringify(category.body)).toBe(201);
    const product = await call('POST', '/api/products', {
      token: adminToken,
      body: {
        name: `Lantern ${run}`,
        description: 'A storm lantern',
        price_cents: 1250,
        stock: 5,
        category_id: category.body.id,
      },
    });
    expect(product.status, JSON.stringify(product.body)).toBe(201);
    productId = product.body.id;
  }, 150_000);

  afterAll(async () => {
    await shop?.stop();
  }, 60_000);

  it('when a customer registers, logs in, fills the cart and checks out, then the order is placed, the stock reserved and the confirmation e-mail arrives', async () => {
    const email = `hosts-${run}@example.com`;
    const registered = await call('POST', '/api/auth/register', {
      body: { email, name: 'Hedy', password: 'hosts-password' },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    customer = { email, token: await login(email, 'hosts-password') };
    // The account service issues tokens in the name of the gateway's address it was given.
    const claims = JSON.parse(Buffer.from(customer.token.split('.')[1] ?? '', 'base64url').toString()) as Body;
    expect(claims.iss).toBe(shop.gateway);

    const cart = await call('PUT', `/api/cart/items/${productId}`, { token: customer.token, body: { quantity: 2 } });
    expect(cart.status, JSON.stringify(cart.body)).toBe(200);
    expect(cart.body.total_cents).toBe(2500);

    const placed = await call('POST', '/api/orders', {
      token: customer.token,
      body: { from_cart: true },
      headers: { 'idempotency-key': `hosts-${run}` },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body).toMatchObject({ status: 'confirmed', total_cents: 2500 });
    firstOrderId = placed.body.id;
    expect(await stockOf(productId)).toBe(3);
    // order.placed crossed the broker to the cart and the notification services.
    await eventually(async () =>
      (await call('GET', '/api/cart', { token: customer.token })).body.items?.length === 0 ? true : undefined,
    );
    await confirmationArrives(email, firstOrderId);
  }, 60_000);

  it("when the product service's link is cut, then the gateway answers 503 problem+json for its routes within its deadline while the others work, and once the link is back the shop recovers with nothing lost", async () => {
    await shop.network.cut('product');
    try {
      // A request on a fresh connection cannot connect: 503, the service is not reachable. One
      // that went out on a connection the gateway had kept open hears nothing back: 504. Each
      // such connection is dropped after its timeout, so a 503 follows within a few requests.
      let unreachable: Answer | undefined;
      for (let attempt = 0; attempt < 5 && !unreachable; attempt++) {
        const started = Date.now();
        const answer = await call('GET', `/api/products/${productId}`);
        // The gateway's own work, and undici's timers (half-second ticks), on top of the deadline.
        expect(Date.now() - started).toBeLessThan(UPSTREAM_TIMEOUT_MS + 2_000);
        expectProblem(answer, [503, 504]);
        expect(answer.body.detail).toMatch(/product service/);
        if (answer.status === 503) unreachable = answer;
      }
      expect(unreachable?.headers.get('retry-after')).toBe('1');

      const ready = await call('GET', '/health/ready');
      expectProblem(ready, [503]);
      expect(ready.body.errors).toEqual([{ dependency: 'product', status: 'down' }]);

      // The other services, and the events between them, are unaffected: a welcome e-mail
      // goes from the account service through the broker to the notification service.
      const late = `hosts-late-${run}@example.com`;
      const registered = await call('POST', '/api/auth/register', {
        body: { email: late, name: 'Lise', password: 'hosts-password' },
      });
      expect(registered.status, JSON.stringify(registered.body)).toBe(201);
      await eventually(async () =>
        (await emailsTo(late)).some((email) => email.subject.includes('Welcome')) ? true : undefined,
      );
      const order = await call('GET', `/api/orders/${firstOrderId}`, { token: customer.token });
      expect(order.status, JSON.stringify(order.body)).toBe(200);
      expect(order.body.status).toBe('confirmed');
      expect((await call('GET', '/api/account/me', { token: customer.token })).body.email).toBe(customer.email);
      expect((await call('GET', '/api/admin/emails?limit=1', { token: adminToken })).status).toBe(200);
    } finally {
      await shop.network.restore('product');
    }

    // Back within seconds, with the reservation made before the cut still in place.
    await eventually(
      async () => ((await call('GET', `/api/products/${productId}`)).status === 200 ? true : undefined),
      20_000,
    );
    expect(await stockOf(productId)).toBe(3);
    expect((await call('GET', `/api/orders/${firstOrderId}`, { token: customer.token })).body.status).toBe('confirmed');

    // Calls between hosts through the restored link work again: the order reserves stock at the product service.
    const placed = await call('POST', '/api/orders', {
      token: customer.token,
      body: { items: [{ product_id: productId, quantity: 1 }] },
      headers: { 'idempotency-key': `hosts-after-${run}` },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(await stockOf(productId)).toBe(2);
    await confirmationArrives(customer.email, placed.body.id);
  }, 60_000);
});
