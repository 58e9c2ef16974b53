import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, SERVICES, type ServiceName } from '../src/routes-table.ts';
import {
  closedPortUrl,
  echo,
  expectProblem,
  type Received,
  sha256,
  startTestGateway,
  startUpstream,
  type TestGateway,
  type TestUpstream,
  URL_KEYS,
} from './helpers.ts';

const upstreams = {} as Record<ServiceName, TestUpstream>;
let gateway: TestGateway;

beforeAll(async () => {
  for (const service of SERVICES) upstreams[service] = await startUpstream(echo(service));
  const urls = Object.fromEntries(SERVICES.map((service) => [URL_KEYS[service], upstreams[service].url]));
  gateway = await startTestGateway(urls);
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all(SERVICES.map((service) => upstreams[service]?.close()));
});

const allReceived = (): Received[] => SERVICES.flatMap((service) => upstreams[service].received);
const clearReceived = () => {
  for (const service of SERVICES) upstreams[service].received.length = 0;
};

describe('routing', () => {
  // Every public path of the API, with the service that owns it.
  const cases: Array<[string, string, ServiceName]> = [
    ['POST', '/api/auth/register', 'account'],
    ['POST', '/api/auth/token', 'account'],
    ['POST', '/api/auth/login', 'account'],
    ['POST', '/api/auth/revoke', 'account'],
    ['GET', '/.well-known/oauth-authorization-server', 'account'],
    ['GET', '/.well-known/jwks.json', 'account'],
    ['GET', '/api/account/me', 'account'],
    ['PATCH', '/api/account/me', 'account'],
    ['GET', '/api/account/users?email=a%40b.example&limit=5', 'account'],
    ['PATCH', '/api/account/users/12', 'account'],
    ['GET', '/api/categories', 'product'],
    ['GET', '/api/products?category=1,2&min_price_cents=500&q=red%20shoe&sort=-price&cursor=abc', 'product'],
    ['DELETE', '/api/products/3', 'product'],
    ['POST', '/api/products/3/stock', 'product'],
    ['GET', '/api/cart', 'cart'],
    ['PUT', '/api/cart/items/4', 'cart'],
    ['DELETE', '/api/cart', 'cart'],
    ['POST', '/api/orders', 'order'],
    ['GET', '/api/orders?sort=-total&status=confirmed', 'order'],
    ['POST', '/api/orders/9/cancel', 'order'],
    ['GET', '/api/admin/orders?user_id=3', 'order'],
    ['PATCH', '/api/admin/orders/9', 'order'],
    ['GET', '/api/admin/emails?limit=10', 'notification'],
    ['POST', '/api/admin/emails/2/retry', 'notification'],
    ['GET', '/api/admin/analytics/sales?from=2025-01-01&to=2025-01-31', 'analytics'],
    ['GET', '/api/admin/analytics/top-products?limit=10', 'analytics'],
    ['POST', '/api/admin/analytics/refresh', 'analytics'],
  ];

  it.each(cases)(
    'when a client sends %s %s, then the %s service gets it, path and query unchanged',
    async (method, path, service) => {
      clearReceived();
      const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
      const response = await gateway.send({
        method: method as 'GET',
        path,
        body,
        headers: body ? { 'content-type': 'application/json' } : {},
      });
      expect(response.status, response.text).toBe(200);
      expect(response.json()).toMatchObject({ service, method, url: path });
      expect(allReceived().map((received) => received.url)).toEqual([path]);
    },
  );

  it('when every route of the table is called at its bare prefix, then its own service answers', async () => {
    for (const route of ROUTES) {
      const response = await gateway.send({ path: route.prefix });
      expect(response.json(), route.prefix).toMatchObject({ service: route.service, url: route.prefix });
    }
  });

  it.each([
    '/api/cartx',
    '/api/carts/1',
    '/api/productsx',
    '/apix/cart',
    '/api',
    '/api/admin',
    '/api/admin/users',
    '/api/admin/analyticsx',
    '/API/cart',
    '/nothing/here',
  ])('when a path only looks like a route (%s), then the gateway answers 404 itself', async (path) => {
    clearReceived();
    const body = expectProblem(await gateway.send({ path }), 404);
    expect(body.detail).toContain(path);
    expect(allReceived()).toEqual([]);
  });
});

describe('internal paths and path tricks', () => {
  const tricks = [
    '/internal/reservations',
    '/internal/reservations/1/commit',
    '/internal',
    '/internal/',
    '/api/cart/../../internal/reservations',
    '/api/cart/../internal/reservations',
    '/api/products/%2e%2e/%2e%2e/internal/reservations',
    '/api/products/%2E%2E/%2E%2E/internal/reservations',
    '/api/products/.%2e/.%2e/internal/reservations',
    '/api/products/..%2f..%2finternal%2freservations',
    '/api/products/%2e%2e%2f%2e%2e%2finternal%2freservations',
    '/api/products/%252e%252e/%252e%252e/internal/reservations',
    '/api/products/..;/..;/internal/reservations',
    '/api/products/..%5c..%5cinternal%5creservations',
    '/api/products/..\\..\\internal\\reservations',
    '/api/products/./../../internal/reservations',
    '//internal/reservations',
    '/api//products/../internal/reservations',
    '/api/products//../../internal/reservations',
    '/api/products/1/%00/../../internal',
  ];

  it.each(tricks)('when a client asks for %s, then it gets 404 and no service sees the request', async (path) => {
    clearReceived();
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const response = await gateway.send({
        method,
        path,
        body: method === 'POST' ? '{"order_ref":"x","items":[]}' : undefined,
        headers: method === 'POST' ? { 'content-type': 'application/json' } : {},
      });
      expectProblem(response, 404);
    }
    expect(allReceived()).toEqual([]);
  });

  it('when a trick is tried after a good request, then only the good request reached a service', async () => {
    clearReceived();
    await gateway.send({ path: '/api/products/1' });
    await gateway.send({ path: '/api/products/1/../../../internal/products/1' });
    expect(allReceived().map((received) => received.url)).toEqual(['/api/products/1']);
  });
});

describe('bodies', () => {
  it('when an image of a few MB is uploaded, then the service receives it byte for byte with its headers', async () => {
    clearReceived();
    const image = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(4 * 1024 * 1024)]);
    const response = await gateway.send({
      method: 'PUT',
      path: '/api/products/7/image',
      headers: { 'content-type': 'image/png', authorization: 'Bearer token-123' },
      body: image,
    });
    expect(response.status, response.text).toBe(200);
    const [received] = upstreams.product.received;
    expect(received?.bodyLength).toBe(image.length);
    expect(received?.bodySha256).toBe(sha256(image));
    expect(received?.headers['content-type']).toBe('image/png');
    expect(received?.headers['content-length']).toBe(String(image.length));
    expect(received?.headers.authorization).toBe('Bearer token-123');
  });

  it('when a JSON or form body is sent, then it arrives as the same bytes, never re-encoded', async () => {
    clearReceived();
    const json = '{ "quantity" :  2 ,"extra":"ü" }';
    const form = 'grant_type=password&username=a%40b.example&password=p%26ss';
    await gateway.send({
      method: 'PUT',
      path: '/api/cart/items/1',
      headers: { 'content-type': 'application/json' },
      body: json,
    });
    await gateway.send({
      method: 'POST',
      path: '/api/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(upstreams.cart.received[0]?.bodySha256).toBe(sha256(Buffer.from(json)));
    expect(upstreams.account.received[0]?.bodySha256).toBe(sha256(Buffer.from(form)));
    expect(upstreams.account.received[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('when a body is larger than the services’ JSON limit, then the gateway still passes it on (the service decides)', async () => {
    clearReceived();
    const big = JSON.stringify({ text: 'x'.repeat(3 * 1024 * 1024) });
    const response = await gateway.send({
      method: 'POST',
      path: '/api/orders',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(response.status).toBe(200);
    expect(upstreams.order.received[0]?.bodyLength).toBe(Buffer.byteLength(big));
  });

  it('when the service refuses an upload before reading it (and keeps reading), then its 413 reaches the client', async () => {
    const refusing = await startUpstream(
      (request, response) => {
        response.writeHead(413, { 'content-type': 'application/problem+json' });
        response.end(
          '{"type":"urn:problem:payload_too_large","title":"Payload Too Large","status":413,"detail":"big"}',
        );
        request.resume(); // drains the rest, as a service with lingering close would
      },
      { raw: true },
    );
    const refusingGateway = await startTestGateway({ PRODUCT_URL: refusing.url });
    try {
      const response = await refusingGateway.send({
        method: 'PUT',
        path: '/api/products/1/image',
        headers: { 'content-type': 'image/png' },
        body: randomBytes(6 * 1024 * 1024),
      });
      expect(expectProblem(response, 413).detail).toBe('big');
    } finally {
      await refusingGateway.close();
      await refusing.close();
    }
  });

  it('when the client streams a request body, then the service starts receiving it before the client has finished', async () => {
    let firstChunkArrived!: () => void;
    const arrived = new Promise<void>((resolve) => {
      firstChunkArrived = resolve;
    });
    const streaming = await startUpstream(
      (request, response) => {
        const chunks: Buffer[] = [];
        request.once('data', () => firstChunkArrived());
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => response.end(sha256(Buffer.concat(chunks))));
      },
      { raw: true },
    );
    const streamGateway = await startTestGateway({ PRODUCT_URL: streaming.url });
    try {
      const first = randomBytes(64 * 1024);
      const rest = randomBytes(64 * 1024);
      async function* body() {
        yield first;
        await arrived; // would never resolve if the gateway waited for the whole body
        yield rest;
      }
      const response = await streamGateway.send({
        method: 'PUT',
        path: '/api/products/1/image',
        headers: { 'content-type': 'image/png' },
        body: Readable.from(body()),
      });
      expect(response.text).toBe(sha256(Buffer.concat([first, rest])));
    } finally {
      await streamGateway.close();
      await streaming.close();
    }
  });

  it('when the service streams a large response, then the client receives it byte for byte as it is produced', async () => {
    const image = randomBytes(3 * 1024 * 1024);
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const streaming = await startUpstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png', etag: '"v1"', 'cache-control': 'public, max-age=60' });
      response.write(image.subarray(0, 1024 * 1024));
      // The rest only once the client has seen the first part: a buffering gateway would hang here.
      released.then(() => response.end(image.subarray(1024 * 1024)));
    });
    const streamGateway = await startTestGateway({ PRODUCT_URL: streaming.url });
    try {
      const { Client } = await import('undici');
      const client = new Client(streamGateway.url);
      const response = await client.request({ method: 'GET', path: '/api/products/1/image' });
      expect(response.headers['content-type']).toBe('image/png');
      expect(response.headers.etag).toBe('"v1"');
      expect(response.headers['cache-control']).toBe('public, max-age=60');
      const chunks: Buffer[] = [];
      for await (const chunk of response.body) {
        chunks.push(chunk as Buffer);
        release();
      }
      await client.close();
      expect(sha256(Buffer.concat(chunks))).toBe(sha256(image));
    } finally {
      await streamGateway.close();
      await streaming.close();
    }
  });
});

describe('statuses, headers and methods', () => {
  let special: TestUpstream;
  let specialGateway: TestGateway;
  beforeAll(async () => {
    special = await startUpstream((request, response) => {
      const path = request.url ?? '';
      if (path.startsWith('/api/account/me')) {
        response.writeHead(401, { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer' });
        response.end('{"type":"urn:problem:unauthenticated","title":"Unauthorized","status":401,"detail":"no"}');
      } else if (path.startsWith('/api/auth/token')) {
        response.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': '7' });
        response.end('{"status":429}');
      } else if (path.startsWith('/api/products/304')) {
        // A stray Content-Length on a 304 (the product service sends one) must not break the answer.
        response.writeHead(304, { etag: '"v2"', 'content-length': '4' });
        response.end();
      } else if (path.startsWith('/api/products/204')) {
        response.writeHead(204);
        response.end();
      } else if (path.startsWith('/api/products/broken-before-body')) {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        response.flushHeaders();
        setTimeout(() => response.socket?.destroy(), 20);
      } else if (path.startsWith('/api/products/broken-midway')) {
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(1024 * 1024) });
        response.write(Buffer.alloc(64 * 1024));
        setTimeout(() => response.socket?.destroy(), 50);
      } else if (path.startsWith('/api/categories')) {
        response.writeHead(201, {
          'content-type': 'application/json',
          location: '/api/categories/5',
          etag: 'W/"abc"',
          'x-request-id': 'ignored-upstream-id',
        });
        response.end('{"id":5}');
      } else {
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': '11',
          'keep-alive': 'timeout=5',
        });
        response.end(request.method === 'HEAD' ? undefined : '{"ok":true}');
      }
    });
    specialGateway = await startTestGateway({
      ACCOUNT_URL: special.url,
      PRODUCT_URL: special.url,
    });
  });
  afterAll(async () => {
    await specialGateway?.close();
    await special?.close();
  });

  it('when the service answers 401 with WWW-Authenticate, then the client gets both, and the problem body', async () => {
    const response = await specialGateway.send({ path: '/api/account/me' });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.json()).toMatchObject({ status: 401, detail: 'no' });
  });

  it('when the service answers 429 with Retry-After, then the client gets it unchanged', async () => {
    const response = await specialGateway.send({ method: 'POST', path: '/api/auth/token', body: '' });
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
  });

  it('when the service answers 201 with Location and ETag, then both pass through', async () => {
    const response = await specialGateway.send({
      method: 'POST',
      path: '/api/categories',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"x"}',
    });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe('/api/categories/5');
    expect(response.headers.etag).toBe('W/"abc"');
  });

  it('when a client sends HEAD, then the service gets HEAD and the client gets its headers and no body', async () => {
    special.received.length = 0;
    const response = await specialGateway.send({ method: 'HEAD', path: '/api/products/1' });
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe('11');
    expect(response.body.length).toBe(0);
    expect(special.received.map((received) => received.method)).toEqual(['HEAD']);
  });

  it('when CORS is off and a client sends OPTIONS, then it reaches the service like any method', async () => {
    special.received.length = 0;
    const response = await specialGateway.send({ method: 'OPTIONS', path: '/api/products' });
    expect(response.status).toBe(200);
    expect(special.received.map((received) => received.method)).toEqual(['OPTIONS']);
  });

  it('when the service answers 304 or 204, then the client gets it without a body, even with a stray Content-Length', async () => {
    const notModified = await specialGateway.send({ path: '/api/products/304', headers: { 'if-none-match': '"v2"' } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.etag).toBe('"v2"');
    expect(notModified.body.length).toBe(0);
    const noContent = await specialGateway.send({ method: 'DELETE', path: '/api/products/204' });
    expect(noContent.status).toBe(204);
    expect(noContent.body.length).toBe(0);
  });

  it('when the service breaks off after its headers but before any body, then the client gets 502, not 500', async () => {
    const response = await specialGateway.send({ path: '/api/products/broken-before-body' });
    expect(expectProblem(response, 502).detail).toBe('The product service broke off its response.');
  });

  it('when the service breaks off midway through a body, then the client’s response is cut, never passed off as whole', async () => {
    await expect(specialGateway.send({ path: '/api/products/broken-midway' })).rejects.toThrow();
    expect((await specialGateway.send({ path: '/api/products' })).status).toBe(200);
  });

  it('when the service sends connection-level headers, then they are not passed on to the client', async () => {
    const response = await specialGateway.send({ path: '/api/products' });
    // The gateway's own connection may send keep-alive; the service's value (timeout=5) must not leak.
    expect(response.headers['keep-alive']).not.toBe('timeout=5');
  });
});

describe('request ids, traces and forwarding headers', () => {
  it('when the client sends a valid x-request-id, then it is echoed and forwarded unchanged', async () => {
    clearReceived();
    const response = await gateway.send({ path: '/api/products', headers: { 'x-request-id': 'client-id-42' } });
    expect(response.headers['x-request-id']).toBe('client-id-42');
    expect(upstreams.product.received[0]?.headers['x-request-id']).toBe('client-id-42');
  });

  it('when the client sends none (or an invalid one), then the gateway’s own id is echoed and forwarded', async () => {
    const sent: Array<Record<string, string>> = [{}, { 'x-request-id': 'not valid: spaces' }];
    for (const headers of sent) {
      clearReceived();
      const response = await gateway.send({ path: '/api/cart', headers });
      const id = response.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(upstreams.cart.received[0]?.headers['x-request-id']).toBe(id);
    }
  });

  it('when the service answers with another x-request-id, then the client still sees the one of its request', async () => {
    const special = await startUpstream((_request, response) => {
      response.writeHead(200, { 'x-request-id': 'upstream-made-this-up' });
      response.end();
    });
    const other = await startTestGateway({ PRODUCT_URL: special.url });
    try {
      const response = await other.send({ path: '/api/products', headers: { 'x-request-id': 'mine-1' } });
      expect(special.received[0]?.headers['x-request-id']).toBe('mine-1');
      expect(response.headers['x-request-id']).toBe('mine-1');
    } finally {
      await other.close();
      await special.close();
    }
  });

  it('when the client sends a traceparent, then the service gets one in the same trace', async () => {
    clearReceived();
    const traceId = randomBytes(16).toString('hex');
    await gateway.send({
      path: '/api/orders',
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    });
    const forwarded = String(upstreams.order.received[0]?.headers.traceparent);
    expect(forwarded).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('when the client sends no traceparent, then the gateway starts a trace the service joins', async () => {
    clearReceived();
    await gateway.send({ path: '/api/orders' });
    expect(String(upstreams.order.received[0]?.headers.traceparent)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('when TRUST_PROXY is off, then X-Forwarded-* are the gateway’s view, whatever the client claimed', async () => {
    clearReceived();
    await gateway.send({
      path: '/api/auth/login',
      headers: {
        'x-forwarded-for': '203.0.113.9',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'evil.example',
        forwarded: 'for=203.0.113.9',
      },
    });
    const headers = upstreams.account.received[0]?.headers;
    expect(headers?.['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers?.['x-forwarded-proto']).toBe('http');
    expect(headers?.['x-forwarded-host']).toBe(new URL(gateway.url).host);
    expect(headers?.forwarded).toBeUndefined();
    expect(headers?.host).toBe(new URL(upstreams.account.url).host);
  });

  it.each([
    ['1', '198.51.100.7, 203.0.113.9', '203.0.113.9', 'one trusted hop: the address that hop saw'],
    ['1', '203.0.113.9', '203.0.113.9', 'one trusted hop, a plain client'],
    ['2', '198.51.100.7, 203.0.113.9', '198.51.100.7', 'two trusted hops'],
    ['loopback', '198.51.100.7, 203.0.113.9', '203.0.113.9', 'the proxy named by address'],
    ['10.0.0.0/8', '198.51.100.7, 203.0.113.9', '127.0.0.1', 'a peer that is not a listed proxy'],
  ])(
    'when TRUST_PROXY=%s and X-Forwarded-For is %j, then the service is told %s only (%s)',
    async (trust, chain, client) => {
      const trusting = await startTestGateway({ ACCOUNT_URL: upstreams.account.url, TRUST_PROXY: trust });
      try {
        clearReceived();
        await trusting.send({
          path: '/api/auth/login',
          headers: { 'x-forwarded-for': chain, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'shop.example' },
        });
        const headers = upstreams.account.received[0]?.headers;
        // Replaced, never extended: a client's own entries never reach the service.
        expect(headers?.['x-forwarded-for']).toBe(client);
        const trusted = client !== '127.0.0.1';
        expect(headers?.['x-forwarded-proto']).toBe(trusted ? 'https' : 'http');
        expect(headers?.['x-forwarded-host']).toBe(trusted ? 'shop.example' : new URL(trusting.url).host);
      } finally {
        await trusting.close();
      }
    },
  );
});

describe('when a service fails', () => {
  it('when the service is not running, then 503 problem+json names it, with Retry-After', async () => {
    const down = await startTestGateway({ CART_URL: await closedPortUrl() });
    try {
      for (const method of ['GET', 'PUT'] as const) {
        const response = await down.send({
          method,
          path: '/api/cart/items/1',
          headers: { 'content-type': 'application/json' },
          body: method === 'PUT' ? '{"quantity":1}' : undefined,
        });
        const body = expectProblem(response, 503);
        expect(body.detail).toBe('The cart service is not reachable.');
        expect(response.headers['retry-after']).toBe('1');
        expect(response.headers['x-request-id']).toBeTruthy();
      }
    } finally {
      await down.close();
    }
  });

  it('when the service does not answer within UPSTREAM_TIMEOUT_MS, then 504 problem+json names it, in about that time', async () => {
    const hanging = await startUpstream(() => {}); // never answers
    const slow = await startTestGateway({ ORDER_URL: hanging.url, UPSTREAM_TIMEOUT_MS: 300 });
    try {
      const started = Date.now();
      const response = await slow.send({ path: '/api/orders' });
      const elapsed = Date.now() - started;
      const body = expectProblem(response, 504);
      expect(body.detail).toContain('order service');
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(5_000);
    } finally {
      await slow.close();
      await hanging.close();
    }
  });

  it('when the service resets the connection, then 502 problem+json names it', async () => {
    const resetting = await startUpstream((request) => request.socket.destroy());
    const broken = await startTestGateway({ NOTIFICATION_URL: resetting.url });
    try {
      for (const method of ['GET', 'POST'] as const) {
        const response = await broken.send({
          method,
          path: '/api/admin/emails',
          body: method === 'POST' ? '{}' : undefined,
        });
        const body = expectProblem(response, 502);
        expect(body.detail).toContain('notification service');
      }
    } finally {
      await broken.close();
      await resetting.close();
    }
  });

  it('when the service answers something that is not HTTP, then 502 problem+json', async () => {
    const garbage = await startUpstream((request) => {
      request.socket.end('this is not http\r\n\r\n');
    });
    const broken = await startTestGateway({ ACCOUNT_URL: garbage.url });
    try {
      expectProblem(await broken.send({ path: '/api/account/me' }), 502);
    } finally {
      await broken.close();
      await garbage.close();
    }
  });
});
