import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../src/errors.ts';
import { clientCredentialsToken, ServiceClient } from '../src/http-client.ts';

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

interface TestServer {
  url: string;
  hits: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

async function startServer(): Promise<TestServer> {
  let handler: Handler = (_request, response) => response.writeHead(500).end();
  const hits: TestServer['hits'] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      hits.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      handler(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    handle(next) {
      handler = next;
      hits.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('ServiceClient', () => {
  let server: TestServer;
  const clients: ServiceClient[] = [];
  const client = (options: Partial<ConstructorParameters<typeof ServiceClient>[0]> = {}) => {
    const created = new ServiceClient({ service: 'product', baseUrl: server.url, ...options });
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((created) => created.close()));
  });
  afterAll(async () => {
    await server.close();
  });

  it('when the server answers JSON, then the body is parsed and status and headers are returned', async () => {
    server.handle((_request, response) => json(response, 200, { id: 7, name: 'bolt' }, { 'x-extra': 'yes' }));
    const response = await client().call<{ id: number; name: string }>('GET', '/products/7');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: 7, name: 'bolt' });
    expect(response.headers['x-extra']).toBe('yes');
    expect(server.hits).toHaveLength(1);
    expect(server.hits[0]).toMatchObject({ method: 'GET', url: '/products/7' });
    expect(server.hits[0]?.headers.accept).toBe('application/json');
  });

  it('when the server answers problem+json 404, then it is returned as a response, not thrown', async () => {
    server.handle((_request, response) => {
      response.writeHead(404, { 'content-type': 'application/problem+json' });
      response.end(JSON.stringify({ status: 404, title: 'Not Found' }));
    });
    const response = await client().call('GET', '/products/999');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ status: 404, title: 'Not Found' });
  });

  it('when the server answers text, then the body is the text', async () => {
    server.handle((_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('pong'));
    expect((await client().call('GET', '/ping')).body).toBe('pong');
  });

  it('when a body is given, then it is sent as JSON with a bearer token from the token supplier', async () => {
    server.handle((_request, response) => json(response, 201, { ok: true }));
    const response = await client({ token: async () => 'service-token' }).call('POST', '/products', {
      body: { name: 'nut', price_cents: 25 },
    });
    expect(response.status).toBe(201);
    expect(server.hits[0]?.headers['content-type']).toBe('application/json');
    expect(server.hits[0]?.headers.authorization).toBe('Bearer service-token');
    expect(JSON.parse(server.hits[0]?.body ?? '')).toEqual({ name: 'nut', price_cents: 25 });
  });

  it("when a call passes its own token, then it overrides the client's", async () => {
    server.handle((_request, response) => json(response, 200, {}));
    await client({ token: async () => 'service-token' }).call('GET', '/me', { token: 'user-token' });
    expect(server.hits[0]?.headers.authorization).toBe('Bearer user-token');
  });

  it('when a GET meets 503 twice and then 200, then the call succeeds after bounded retries', async () => {
    let count = 0;
    server.handle((_request, response) => {
      count += 1;
      if (count <= 2) json(response, 503, { status: 503 });
      else json(response, 200, { attempt: count });
    });
    const response = await client({ retries: 2 }).call('GET', '/flaky');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ attempt: 3 });
    expect(server.hits).toHaveLength(3);
  });

  it('when a GET always meets 503, then DomainError unavailable after at most retries+1 attempts', async () => {
    server.handle((_request, response) => json(response, 503, { status: 503 }));
    const retries = 2;
    const error = await failure(client({ retries }).call('GET', '/down'));
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain('product');
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(server.hits.length).toBeGreaterThan(1);
    expect(server.hits.length).toBeLessThanOrEqual(retries + 1);
  });

  it('when retries is 0, then a GET meeting 503 is tried exactly once', async () => {
    server.handle((_request, response) => json(response, 503, {}));
    const error = await failure(client({ retries: 0 }).call('GET', '/down'));
    expect(error.code).toBe('unavailable');
    expect(server.hits).toHaveLength(1);
  });

  it('when a non-idempotent POST meets 503, then it is not retried', async () => {
    server.handle((_request, response) => json(response, 503, { status: 503 }));
    const error = await failure(client({ retries: 2 }).call('POST', '/orders', { body: { cart_id: 1 } }));
    expect(error.code).toBe('unavailable');
    expect(server.hits).toHaveLength(1);
  });

  it('when a POST marked idempotent meets 503 then 200, then it is retried', async () => {
    let count = 0;
    server.handle((_request, response, body) => {
      count += 1;
      if (count === 1) json(response, 503, {});
      else json(response, 200, { echoed: JSON.parse(body) });
    });
    const response = await client({ retries: 2 }).call('POST', '/payments', {
      body: { amount_cents: 100 },
      idempotent: true,
      headers: { 'idempotency-key': 'k-1' },
    });
    expect(response.body).toEqual({ echoed: { amount_cents: 100 } });
    expect(server.hits).toHaveLength(2);
    expect(server.hits.map((hit) => hit.headers['idempotency-key'])).toEqual(['k-1', 'k-1']);
  });

  it('when the server never answers, then DomainError unavailable within about the timeout', async () => {
    server.handle(() => {
      // Never answers.
    });
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 200 }).call('GET', '/hang'));
    const elapsed = Date.now() - started;
    expect(error.code).toBe('unavailable');
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('when a POST gets no answer, then DomainError unavailable within about the timeout and one attempt', async () => {
    server.handle(() => {});
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 200 }).call('POST', '/hang', { body: {} }));
    expect(error.code).toBe('unavailable');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.hits).toHaveLength(1);
  });

  it('when the port is closed, then DomainError unavailable', async () => {
    const closed = await startServer();
    const closedUrl = closed.url;
    await closed.close();
    const started = Date.now();
    const error = await failure(client({ baseUrl: closedUrl, timeoutMs: 1_000 }).call('GET', '/anything'));
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain('product');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('clientCredentialsToken', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('when a token is fetched, then it is requested with client_credentials and Basic auth', async () => {
    server.handle((_request, response) => json(response, 200, { access_token: 'tok-1', expires_in: 300 }));
    const getToken = clientCredentialsToken({
      tokenUrl: `${server.url}/oauth/token`,
      clientId: 'order-service',
      clientSecret: 's3cret:with/odd chars',
      scope: 'products:read',
    });
    expect(await getToken()).toBe('tok-1');
    const hit = server.hits[0];
    expect(hit?.method).toBe('POST');
    expect(hit?.url).toBe('/oauth/token');
    expect(hit?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(hit?.body);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('scope')).toBe('products:read');
    const basic = Buffer.from(String(hit?.headers.authorization).replace(/^Basic /, ''), 'base64').toString();
    const [id, secret] = basic.split(':');
    expect(decodeURIComponent(id ?? '')).toBe('order-service');
    expect(decodeURIComponent(secret ?? '')).toBe('s3cret:with/odd chars');
  });

  it('when the token is asked for again before it expires, then no second request is made', async () => {
    let issued = 0;
    server.handle((_request, response) => {
      issued += 1;
      json(response, 200, { access_token: `tok-${issued}`, expires_in: 3600 });
    });
    const getToken = clientCredentialsToken({ tokenUrl: `${server.url}/token`, clientId: 'a', clientSecret: 'b' });
    expect(await getToken()).toBe('tok-1');
    expect(await getToken()).toBe('tok-1');
    expect(server.hits).toHaveLength(1);
  });

  it('when several callers ask at once, then one request serves them all', async () => {
    server.handle((_request, response) => {
      setTimeout(() => json(response, 200, { access_token: 'shared', expires_in: 3600 }), 50);
    });
    const getToken = clientCredentialsToken({ tokenUrl: `${server.url}/token`, clientId: 'a', clientSecret: 'b' });
    const tokens = await Promise.all([getToken(), getToken(), getToken()]);
    expect(tokens).toEqual(['shared', 'shared', 'shared']);
    expect(server.hits).toHaveLength(1);
  });

  it('when the token server refuses, then DomainError unavailable naming the error, and the next call asks again', async () => {
    let refuse = true;
    server.handle((_request, response) => {
      if (refuse) json(response, 401, { error: 'invalid_client' });
      else json(response, 200, { access_token: 'late', expires_in: 3600 });
    });
    const getToken = clientCredentialsToken({ tokenUrl: `${server.url}/token`, clientId: 'a', clientSecret: 'wrong' });
    const error = await failure(getToken());
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain('invalid_client');
    refuse = false;
    expect(await getToken()).toBe('late');
    expect(server.hits).toHaveLength(2);
  });

  it('when the token server is unreachable, then DomainError unavailable', async () => {
    const closed = await startServer();
    await closed.close();
    const getToken = clientCredentialsToken({ tokenUrl: `${closed.url}/token`, clientId: 'a', clientSecret: 'b' });
    expect((await failure(getToken())).code).toBe('unavailable');
  });

  it('when a ServiceClient uses a clientCredentialsToken, then the service token is sent as a bearer', async () => {
    const api = await startServer();
    server.handle((_request, response) => json(response, 200, { access_token: 'svc', expires_in: 3600 }));
    api.handle((_request, response) => json(response, 200, { ok: true }));
    const serviceClient = new ServiceClient({
      service: 'product',
      baseUrl: api.url,
      token: clientCredentialsToken({ tokenUrl: `${server.url}/token`, clientId: 'a', clientSecret: 'b' }),
    });
    try {
      await serviceClient.call('GET', '/one');
      await serviceClient.call('GET', '/two');
      expect(api.hits.map((hit) => hit.headers.authorization)).toEqual(['Bearer svc', 'Bearer svc']);
      expect(server.hits).toHaveLength(1);
    } finally {
      await serviceClient.close();
      await api.close();
    }
  });
});
