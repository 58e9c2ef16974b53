/**
 * What the README's security notes promise, black-box through the gateway, once per
 * topology (`npm start`, and one process per service on real servers): revoked sessions
 * refused by every service within seconds, no lockout of an owner by someone else's
 * failures, forged client addresses ignored, and inputs that once reached a 500 or a
 * wrong answer.
 *
 * The suite plays the load balancer in front of the gateway: the gateway trusts its
 * loopback hop (GATEWAY_TRUST_PROXY=loopback), so `X-Forwarded-For` names the client.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, call as httpCall } from './http.ts';
import { eventually } from './stack.ts';
import { availableTopologies, type Shop } from './topologies.ts';

/** Every service must refuse a revoked token within this long. */
const REVOCATION_DEADLINE_MS = 5_000;

const topologies = await availableTopologies();
const cursorOf = (body: unknown) => encodeURIComponent(Buffer.from(JSON.stringify(body)).toString('base64url'));
const address = () => `203.0.113.${1 + Math.floor(Math.random() * 250)}`;

describe.each(topologies)('hardening through the gateway, $name', (topology) => {
  const run = randomBytes(3).toString('hex');
  let shop: Shop;
  let adminToken: string;
  let adminId: number;

  const call = (method: string, path: string, options: Parameters<typeof httpCall>[3] = {}) =>
    httpCall(shop.gateway, method, path, options);
  const signIn = (email: string, password: string, clientIp?: string) =>
    fetch(`${shop.gateway}/api/auth/token`, {
      method: 'POST',
      headers: clientIp ? { 'x-forwarded-for': clientIp } : {},
      body: new URLSearchParams({ grant_type: 'password', username: email, password }),
    });
  const login = async (email: string, password: string) => {
    const response = await signIn(email, password);
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const register = async (name: string) => {
    const email = `${name}-${run}@example.com`;
    const created = await call('POST', '/api/auth/register', { body: { email, name, password: 'e2e-password' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { id: created.body.id as number, email, password: 'e2e-password' };
  };
  /** Resolves with how long it took until `path` refused `token` with 401. */
  const refusedWithin = async (path: string, token: string) => {
    const started = Date.now();
    await eventually(async () => ((await call('GET', path, { token })).status === 401 ? true : undefined), 10_000);
    return Date.now() - started;
  };
  const expectProblem = (answer: Answer, status: number) => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  };

  beforeAll(async () => {
    shop = await topology.start();
    adminToken = await login(shop.adminEmail, shop.adminPassword);
    adminId = (await call('GET', '/api/account/me', { token: adminToken })).body.id;
  }, 120_000);
  afterAll(async () => {
    await shop?.stop();
  }, 60_000);

  describe('revocation', () => {
    it('when an admin deactivates a customer, then the cart, order and account services refuse the customer’s token within 5 s', async () => {
      const customer = await register('deactivated');
      const token = await login(customer.email, customer.password);
      expect((await call('GET', '/api/cart', { token })).status).toBe(200);
      expect((await call('GET', '/api/orders', { token })).status).toBe(200);

      const changed = await call('PATCH', `/api/account/users/${customer.id}`, {
        token: adminToken,
        body: { is_active: false },
      });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);

      const waits = await Promise.all(
        ['/api/cart', '/api/orders', '/api/account/me'].map((path) => refusedWithin(path, token)),
      );
      for (const waited of waits) expect(waited).toBeLessThan(REVOCATION_DEADLINE_MS);
    });

    it('when a second admin is demoted, then her old token can no longer change products, read e-mails or touch users', async () => {
      const colleague = await register('colleague');
      expect(
        (await call('PATCH', `/api/account/users/${colleague.id}`, { token: adminToken, body: { role: 'admin' } }))
          .status,
      ).toBe(200);
      const token = await login(colleague.email, colleague.password);
      expect((await call('GET', '/api/admin/emails?limit=1', { token })).status).toBe(200);

      const demoted = await call('PATCH', `/api/account/users/${colleague.id}`, {
        token: adminToken,
        body: { role: 'customer', is_active: false },
      });
      expect(demoted.status, JSON.stringify(demoted.body)).toBe(200);

      // The account service checks her row at once: she cannot undo it, nor remove the first admin.
      expect(
        (await call('PATCH', `/api/account/users/${colleague.id}`, { token, body: { role: 'admin', is_active: true } }))
          .status,
      ).toBe(401);
      expect((await call('PATCH', `/api/account/users/${adminId}`, { token, body: { is_active: false } })).status).toBe(
        401,
      );
      const waits = await Promise.all(
        ['/api/admin/emails?limit=1', '/api/admin/orders?limit=1'].map((path) => refusedWithin(path, token)),
      );
      for (const waited of waits) expect(waited).toBeLessThan(REVOCATION_DEADLINE_MS);
      const create = await call('POST', '/api/categories', { token, body: { name: `Not hers ${run}` } });
      expect(create.status).toBe(401);
      expect((await call('GET', '/api/account/me', { token: adminToken })).body).toMatchObject({
        role: 'admin',
        is_active: true,
      });
    });

    it('when a customer changes her password, then her earlier token is refused by the cart within 5 s', async () => {
      const customer = await register('rekeyed');
      const token = await login(customer.email, customer.password);
      const changed = await call('PATCH', '/api/account/me', {
        token,
        body: { password: 'a-brand-new-password', current_password: customer.password },
      });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      expect(await refusedWithin('/api/cart', token)).toBeLessThan(REVOCATION_DEADLINE_MS);
      // Signing in again gives a token every service takes.
      const fresh = await login(customer.email, 'a-brand-new-password');
      expect((await call('GET', '/api/cart', { token: fresh })).status).toBe(200);
    });

    it('when an admin tries to demote herself, then 422 and she stays admin', async () => {
      expectProblem(
        await call('PATCH', `/api/account/users/${adminId}`, { token: adminToken, body: { role: 'customer' } }),
        422,
      );
      expect((await call('GET', '/api/account/me', { token: adminToken })).body.role).toBe('admin');
    });
  });

  describe('who the client is', () => {
    it('when one address fails ten times on an account, then the owner signs in from another and only that address is refused', async () => {
      const victim = await register('victim');
      const [attacker, owner] = [address(), address()];
      for (let i = 0; i < 10; i += 1) expect((await signIn(victim.email, 'wrong-password', attacker)).status).toBe(400);

      expect((await signIn(victim.email, victim.password, owner)).status).toBe(200);
      const refused = await signIn(victim.email, victim.password, attacker);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // Writing its own X-Forwarded-For does not make the attacker someone else: the load
      // balancer (this suite) appends the address it saw, and that is the one counted.
      expect((await signIn(victim.email, victim.password, `${owner}, ${attacker}`)).status).toBe(429);
    });
  });

  describe('inputs', () => {
    it('when a path id is not plain decimal, then 400, never the item it might be read as', async () => {
      const product = (await call('GET', '/api/products?limit=1')).body.items?.[0]?.id ?? 1;
      for (const written of [
        `0x${product.toString(16)}`,
        `+${product}`,
        `0${product}`,
        `${product}.0`,
        `${product}e0`,
      ]) {
        expectProblem(await call('GET', `/api/products/${written}`), 400);
        expectProblem(await call('GET', `/api/orders/${written}`, { token: adminToken }), 400);
      }
    });

    it('when a form is sent to a JSON route, then 415; the token endpoint still takes forms', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const registration = await fetch(`${shop.gateway}/api/auth/register`, {
        method: 'POST',
        headers: form,
        body: `email=form-${run}%40example.com&name=Form&password=e2e-password`,
      });
      expect(registration.status).toBe(415);
      const cart = await fetch(`${shop.gateway}/api/cart/items/1`, {
        method: 'PUT',
        headers: { ...form, authorization: `Bearer ${adminToken}` },
        body: 'quantity=1',
      });
      expect(cart.status).toBe(415);
      expect((await signIn(shop.adminEmail, shop.adminPassword)).status).toBe(200);
    });

    it('when a list cursor is forged with values out of range, then every list answers 400, not 500', async () => {
      const farFuture = { v: '99999-01-01 00:00:00+00', i: 1 };
      const hugeId = { v: '2026-01-01 00:00:00+00', i: 2 ** 31 };
      const lists: Array<[string, string]> = [
        ['/api/products?sort=newest', 'newest'],
        ['/api/orders?sort=-date', '-date'],
        ['/api/admin/orders?sort=-date', '-date'],
        ['/api/account/users', 'oldest'],
        ['/api/admin/emails', 'newest'],
      ];
      for (const [path, sort] of lists) {
        for (const forged of [farFuture, hugeId]) {
          const answer = await call(
            'GET',
            `${path}${path.includes('?') ? '&' : '?'}cursor=${cursorOf({ s: sort, ...forged })}`,
            {
              token: adminToken,
            },
          );
          expectProblem(answer, 400);
        }
      }
      const total = cursorOf({ s: 'total', v: '99999999999999999999', i: 1 });
      expectProblem(await call('GET', `/api/orders?sort=total&cursor=${total}`, { token: adminToken }), 400);
    });

    it('when a request body drips in, then the gateway answers 408 problem+json within the request timeout', async () => {
      const { hostname, port } = new URL(shop.gateway);
      const started = Date.now();
      const answer = await new Promise<string>((resolve) => {
        let text = '';
        const socket = connect(Number(port), hostname, () =>
          socket.write(
            'POST /api/auth/register HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n',
          ),
        );
        const drip = setInterval(() => socket.writable && socket.write(' '), 200);
        socket.on('data', (chunk) => {
          text += chunk;
        });
        socket.on('error', () => {});
        socket.on('close', () => {
          clearInterval(drip);
          resolve(text);
        });
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toMatch(/content-type: application\/problem\+json/i);
      expect(Date.now() - started).toBeLessThan(10_000);
    }, 20_000);

    it('when /metrics is asked of the gateway’s public origin, then no metrics come back', async () => {
      const response = await fetch(`${shop.gateway}/metrics`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toMatch(/http_request_duration_seconds|process_cpu/);
    });
  });
});
