import type { InjectOptions } from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, type ErrorCode } from '../src/errors.ts';
import { acceptFormBodies, createHttpApp, type HttpApp, ONE_MIB } from '../src/http/app.ts';
import { createLogger } from '../src/logger.ts';
import { expectProblem } from '../src/testing/problem.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET_MESSAGE = 'SELECT * FROM secret WHERE password = $1';

const WidgetBody = Type.Object({
  name: Type.String({ minLength: 1 }),
  count: Type.Integer({ minimum: 0 }),
  size: Type.Object({ width: Type.Integer(), height: Type.Integer() }),
  tags: Type.Optional(Type.Array(Type.String())),
});

const ListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  min_price_cents: Type.Optional(Type.Integer({ minimum: 0 })),
});

async function buildApp(readiness: Parameters<typeof createHttpApp>[0]['readiness'] = []): Promise<HttpApp> {
  const app = await createHttpApp({
    name: 'platformtest',
    logger: createLogger({ name: 'platformtest', level: 'silent' }),
    readiness,
    publicUrl: 'http://localhost:8080',
  });
  app.post('/widgets', { schema: { body: WidgetBody } }, async (request, reply) => {
    reply.code(201);
    return { received: request.body };
  });
  app.get('/widgets', { schema: { querystring: ListQuery } }, async (request) => ({
    limit: request.query.limit,
    limit_type: typeof request.query.limit,
    min_price_cents: request.query.min_price_cents ?? null,
  }));
  await app.register(async (scope) => {
    await acceptFormBodies(scope as HttpApp);
    scope.post('/form', async (request) => request.body);
  });
  app.get(
    '/items/:id',
    { schema: { params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }) } },
    async (request) => ({ id: request.params.id, type: typeof request.params.id }),
  );
  app.get('/boom', async () => {
    throw new Error(SECRET_MESSAGE);
  });
  app.get('/domain/:code', { schema: { params: Type.Object({ code: Type.String() }) } }, async (request) => {
    const code = request.params.code as ErrorCode;
    throw new DomainError(code, `A ${code} happened.`, code === 'rate_limited' ? { retryAfterSeconds: 42.2 } : {});
  });
  await app.ready();
  return app;
}

const validWidget = { name: 'bolt', count: 3, size: { width: 2, height: 4 } };

describe('createHttpApp', () => {
  let app: HttpApp;
  beforeAll(async () => {
    app = await buildApp();
  });
  afterAll(async () => {
    await app.close();
  });

  describe('body validation', () => {
    it('when the body is valid, then the handler receives it unchanged', async () => {
      const response = await app.inject({ method: 'POST', url: '/widgets', payload: validWidget });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({ received: validWidget });
    });

    it('when the body has an unknown field, then 400 problem+json names the field', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/widgets',
        payload: { ...validWidget, colour: 'red' },
      });
      const body = expectProblem(response, 400);
      expect(body.errors).toContainEqual({ field: 'colour', message: expect.any(String) });
    });

    it('when a nested object has an unknown field, then 400 names the dotted path', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/widgets',
        payload: { ...validWidget, size: { width: 1, height: 1, depth: 9 } },
      });
      const body = expectProblem(response, 400);
      expect(body.errors).toContainEqual({ field: 'size.depth', message: expect.any(String) });
    });

    it('when a required field is missing, then 400 names it', async () => {
      const { count: _count, ...rest } = validWidget;
      const body = expectProblem(await app.inject({ method: 'POST', url: '/widgets', payload: rest }), 400);
      expect(body.errors).toContainEqual({ field: 'count', message: 'is required' });
    });

    it('when an integer field is sent as the string "5", then 400 (no coercion in bodies)', async () => {
      const response = await app.inject({ method: 'POST', url: '/widgets', payload: { ...validWidget, count: '5' } });
      const body = expectProblem(response, 400);
      expect(body.errors?.map((error) => error.field)).toContain('count');
    });

    it('when a nested integer is sent as a string, then 400 names the nested field', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/widgets',
        payload: { ...validWidget, size: { width: '2', height: 4 } },
      });
      const body = expectProblem(response, 400);
      expect(body.errors?.map((error) => error.field)).toContain('size.width');
    });

    it('when the body is a JSON array instead of an object, then 400', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/widgets',
        headers: { 'content-type': 'application/json' },
        payload: '[1,2,3]',
      });
      expectProblem(response, 400);
    });

    it('when the body is malformed JSON, then 400 problem+json', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/widgets',
        headers: { 'content-type': 'application/json' },
        payload: '{"name": "bolt",',
      });
      expectProblem(response, 400);
    });

    it('when the body is empty with a JSON content type, then 400', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/widgets',
        headers: { 'content-type': 'application/json' },
        payload: '',
      });
      expectProblem(response, 400);
    });

    it('when the body is text/plain, then 415 problem+json', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/widgets',
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify(validWidget),
      });
      expectProblem(response, 415);
    });

    it('when a JSON route gets a form, then 415 problem+json; a route that accepts forms parses it', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const refused = await app.inject({
        method: 'POST',
        url: '/widgets',
        headers: form,
        payload: 'name=bolt&count=3',
      });
      expectProblem(refused, 415);
      const accepted = await app.inject({ method: 'POST', url: '/form', headers: form, payload: 'name=bolt&count=3' });
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json()).toEqual({ name: 'bolt', count: '3' });
    });

    it('when the body is larger than 1 MiB, then 413 problem+json', async () => {
      const payload = JSON.stringify({ ...validWidget, name: 'x'.repeat(ONE_MIB + 10) });
      const response = await app.inject({
        method: 'POST',
        url: '/widgets',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expectProblem(response, 413);
    });

    it('when the body is JSON nested 10,000 levels deep, then 400 and not 500', async () => {
      const depth = 10_000;
      const deep = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const response = await app.inject({
        method: 'POST',
        url: '/widgets',
        headers: { 'content-type': 'application/json' },
        payload: deep,
      });
      const body = expectProblem(response, 400);
      expect(body.errors).toContainEqual({ field: 'a', message: 'is not a known field' });
    });

    it('when a known field holds an object nested 10,000 levels deep, then 400 and not 500', async () => {
      const depth = 10_000;
      const deepSize = `${'{"width":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const deepTags = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      for (const [payload, field] of [
        [`{"name":"bolt","count":1,"size":${deepSize}}`, 'size.width'],
        [`{"name":"bolt","count":1,"size":{"width":1,"height":1},"tags":${deepTags}}`, 'tags.0'],
      ]) {
        const response = await app.inject({
          method: 'POST',
          url: '/widgets',
          headers: { 'content-type': 'application/json' },
          payload,
        });
        const body = expectProblem(response, 400);
        expect(body.errors?.map((error) => error.field)).toContain(field);
      }
    });
  });

  describe('query validation', () => {
    it('when query integers arrive as text, then they are coerced to numbers', async () => {
      const response = await app.inject({ method: 'GET', url: '/widgets?limit=5&min_price_cents=500' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ limit: 5, limit_type: 'number', min_price_cents: 500 });
    });

    it('when the query omits a defaulted parameter, then the default applies', async () => {
      const response = await app.inject({ method: 'GET', url: '/widgets' });
      expect(response.json()).toMatchObject({ limit: 20 });
    });

    it('when a query integer is not a number or out of range, then 400 names the parameter', async () => {
      for (const url of ['/widgets?limit=abc', '/widgets?limit=0', '/widgets?limit=101', '/widgets?limit=2.5']) {
        const body = expectProblem(await app.inject({ method: 'GET', url }), 400);
        expect(body.errors?.map((error) => error.field)).toContain('limit');
      }
    });
  });

  describe('numbers in paths and query strings', () => {
    it.each(['0x10', '+16', '016', '16.0', '16e0', '1.6e1', ' 16', '0b10', '١٦'])(
      'when a path id is written %j, then 400 naming it, not item 16',
      async (written) => {
        const body = expectProblem(
          await app.inject({ method: 'GET', url: `/items/${encodeURIComponent(written)}` }),
          400,
        );
        expect(body.errors?.map((error) => error.field)).toEqual(['id']);
      },
    );

    it('when a path id is plain decimal, then it arrives as that number', async () => {
      const response = await app.inject({ method: 'GET', url: '/items/16' });
      expect(response.json()).toEqual({ id: 16, type: 'number' });
    });

    it('when a query number is not plain decimal, then 400; plain decimal passes', async () => {
      for (const url of ['/widgets?limit=0x10', '/widgets?min_price_cents=1e3', '/widgets?limit=07']) {
        expectProblem(await app.inject({ method: 'GET', url }), 400);
      }
      const response = await app.inject({ method: 'GET', url: '/widgets?limit=10&min_price_cents=0' });
      expect(response.json()).toMatchObject({ limit: 10, min_price_cents: 0 });
    });
  });

  describe('routing', () => {
    it('when the route does not exist, then 404 problem+json', async () => {
      const response = await app.inject({ method: 'GET', url: '/nowhere?x=1' });
      const body = expectProblem(response, 404);
      expect(body.detail).toContain('/nowhere');
      expect(body.detail).not.toContain('x=1');
    });

    it('when the URL cannot be decoded, then 400 problem+json', async () => {
      for (const url of ['/widgets/%', '/widgets/%zz', '/%E0%A4%A']) {
        expectProblem(await app.inject({ method: 'GET', url }), 400);
      }
    });

    it('when a route is called with OPTIONS, then the answer is not a 5xx', async () => {
      for (const url of ['/widgets', '/nowhere', '/health/live']) {
        const response = await app.inject({ method: 'OPTIONS', url });
        expect(response.statusCode).toBeLessThan(500);
      }
    });

    it('when an unsupported method is used, then the answer is not a 5xx', async () => {
      const response = await app.inject({ method: 'PATCH', url: '/widgets', payload: {} });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
    });

    it('when a GET route is called with HEAD, then 200 with the headers and no body', async () => {
      const response = await app.inject({ method: 'HEAD', url: '/widgets?limit=3' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toBe('');
      expect(response.headers['x-request-id']).toMatch(UUID);
    });
  });

  describe('errors', () => {
    it('when a handler throws a plain Error, then 500 problem+json without the message or a stack', async () => {
      const response = await app.inject({ method: 'GET', url: '/boom' });
      const body = expectProblem(response, 500);
      expect(response.body).not.toContain('SELECT');
      expect(response.body).not.toContain('secret');
      expect(response.body).not.toContain('password');
      expect(response.body).not.toContain('stack');
      expect(response.body).not.toContain('.ts:');
      expect(Object.keys(body).sort()).toEqual(['detail', 'status', 'title', 'type']);
    });

    it.each([
      ['not_found', 404],
      ['conflict', 409],
      ['rule_violation', 422],
      ['invalid_input', 400],
      ['unauthenticated', 401],
      ['forbidden', 403],
      ['rate_limited', 429],
      ['bad_gateway', 502],
      ['unavailable', 503],
      ['timeout', 504],
    ] as const)('when a handler throws DomainError %s, then the status is %i', async (code, status) => {
      const response = await app.inject({ method: 'GET', url: `/domain/${code}` });
      const body = expectProblem(response, status);
      expect(body.type).toBe(`urn:problem:${code}`);
      expect(body.detail).toBe(`A ${code} happened.`);
    });

    it('when a handler throws rate_limited with a retry time, then 429 carries Retry-After in whole seconds', async () => {
      const response = await app.inject({ method: 'GET', url: '/domain/rate_limited' });
      expectProblem(response, 429);
      expect(response.headers['retry-after']).toBe('43');
    });

    it('when a DomainError carries no retry time, then there is no Retry-After header', async () => {
      const response = await app.inject({ method: 'GET', url: '/domain/conflict' });
      expect(response.headers['retry-after']).toBeUndefined();
    });
  });

  describe('request ids', () => {
    it('when the client sends no x-request-id, then one is generated', async () => {
      const first = await app.inject({ method: 'GET', url: '/health/live' });
      const second = await app.inject({ method: 'GET', url: '/health/live' });
      expect(first.headers['x-request-id']).toMatch(UUID);
      expect(second.headers['x-request-id']).toMatch(UUID);
      expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
    });

    it('when the client sends a well-formed x-request-id, then it is echoed', async () => {
      const response = await app.inject({
        method: 'GET',
        url: '/health/live',
        headers: { 'x-request-id': 'client-abc.123:xyz' },
      });
      expect(response.headers['x-request-id']).toBe('client-abc.123:xyz');
    });

    it('when the sent x-request-id contains bad characters or is too long, then it is replaced', async () => {
      for (const sent of ['abc def', '<script>alert(1)</script>', 'a"b', 'x'.repeat(129)]) {
        const response = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': sent } });
        expect(response.headers['x-request-id']).not.toBe(sent);
        expect(response.headers['x-request-id']).toMatch(UUID);
      }
    });

    it('when the request fails, then the error response carries the x-request-id too', async () => {
      const response = await app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'trace-1' } });
      expect(response.statusCode).toBe(404);
      expect(response.headers['x-request-id']).toBe('trace-1');
    });
  });

  describe('documentation', () => {
    it('when /openapi.json is fetched, then it is an OpenAPI 3.1 document listing the routes', async () => {
      const response = await app.inject({ method: 'GET', url: '/openapi.json' });
      expect(response.statusCode).toBe(200);
      const document = response.json();
      expect(document.openapi).toBe('3.1.0');
      expect(document.info.title).toContain('platformtest');
      expect(document.servers).toEqual([{ url: 'http://localhost:8080' }]);
      expect(Object.keys(document.paths)).toContain('/widgets');
      expect(document.paths['/widgets']).toHaveProperty('post');
      expect(document.paths['/widgets']).toHaveProperty('get');
      expect(JSON.stringify(document.paths['/widgets'].post)).toContain('"size"');
      expect(Object.keys(document.paths)).not.toContain('/metrics');
    });

    it('when /docs is fetched, then it serves HTML', async () => {
      let response = await app.inject({ method: 'GET', url: '/docs' });
      if (response.statusCode >= 300 && response.statusCode < 400) {
        response = await app.inject({ method: 'GET', url: String(response.headers.location) });
      }
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body.toLowerCase()).toContain('<html');
    });
  });

  describe('metrics', () => {
    it('when a route has served a request, then /metrics has http_request_duration_seconds with its route label', async () => {
      await app.inject({ method: 'GET', url: '/widgets?limit=7' });
      const response = await app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.body).toContain('# TYPE http_request_duration_seconds histogram');
      expect(response.body).toMatch(
        /http_request_duration_seconds_count\{[^}]*method="GET"[^}]*route="\/widgets"[^}]*status_code="200"[^}]*\} [1-9]/,
      );
      expect(response.body).toContain('service="platformtest"');
      expect(response.body).not.toContain('limit=7');
    });
  });

  describe('health', () => {
    it('when /health/live is fetched, then 200', async () => {
      const response = await app.inject({ method: 'GET', url: '/health/live' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok' });
    });
  });

  describe('every error is problem+json', () => {
    const cases: Array<[string, InjectOptions]> = [
      ['unknown field', { method: 'POST', url: '/widgets', payload: { ...validWidget, extra: 1 } }],
      [
        'malformed JSON',
        { method: 'POST', url: '/widgets', headers: { 'content-type': 'application/json' }, payload: '{' },
      ],
      [
        'wrong content type',
        { method: 'POST', url: '/widgets', headers: { 'content-type': 'text/plain' }, payload: 'x' },
      ],
      [
        'unknown content type',
        { method: 'POST', url: '/widgets', headers: { 'content-type': 'application/xml' }, payload: '<a/>' },
      ],
      ['bad query', { method: 'GET', url: '/widgets?limit=x' }],
      ['unknown route', { method: 'DELETE', url: '/nothing/here' }],
      ['thrown Error', { method: 'GET', url: '/boom' }],
      ['DomainError', { method: 'GET', url: '/domain/unavailable' }],
    ];
    it.each(cases)(
      'when the request fails with %s, then the content type is application/problem+json',
      async (_name, options) => {
        const response = await app.inject(options);
        expect(response.statusCode).toBeGreaterThanOrEqual(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.json().status).toBe(response.statusCode);
      },
    );
  });
});

describe('readiness', () => {
  it('when every check passes, then /health/ready is 200 naming the checks', async () => {
    const app = await buildApp([
      { name: 'database', check: async () => {} },
      { name: 'redis', check: async () => {} },
    ]);
    try {
      const response = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' } });
    } finally {
      await app.close();
    }
  });

  it('when a check fails, then /health/ready is 503 problem+json naming the failing check only', async () => {
    const app = await buildApp([
      { name: 'database', check: async () => {} },
      {
        name: 'redis',
        check: async () => {
          throw new Error('ECONNREFUSED 10.0.0.7:6379 password=hunter2');
        },
      },
    ]);
    try {
      const response = await app.inject({ method: 'GET', url: '/health/ready' });
      const body = expectProblem(response, 503);
      expect(body.detail).toContain('redis');
      expect(body.detail).not.toContain('database');
      expect(body.errors).toEqual([{ dependency: 'redis', status: 'down' }]);
      expect(response.body).not.toContain('hunter2');
      expect(response.body).not.toContain('10.0.0.7');
    } finally {
      await app.close();
    }
  });

  it('when a check hangs, then /health/ready answers 503 within a few seconds', async () => {
    const app = await buildApp([{ name: 'queue', check: () => new Promise<void>(() => {}) }]);
    try {
      const started = Date.now();
      const response = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(Date.now() - started).toBeLessThan(5_000);
      const body = expectProblem(response, 503);
      expect(body.detail).toContain('queue');
    } finally {
      await app.close();
    }
  });
});
